/**
 * Transfer (draft-hallambaker-mesh-reference-03 section 7.15): the log itself, record by record
 * between transaction identifiers, paged, for accounts the service is configured to trust with it
 * (replication, backup, audit).
 */
import { z } from 'zod';
import { MeshError } from '../../shared/errors';
import { dateTimeMillis } from '../../shared/protocol/date-time';
import type { LogRecord } from '../../shared/protocol/messages/transfer';
import { STATUS } from '../../shared/protocol/status-codes';
import type { Handler } from './context';
import { requireAuthenticated, respond } from './context';

const transferStateSchema = z.object({
  next: z.number(),
  to: z.number(),
  notBefore: z.number().optional(),
  before: z.number().optional(),
});

/** Rows scanned per page at most, when time filters skip many. */
const SCAN_FACTOR = 10;

/** Answer Transfer: 200 with a page of records; 401 for an account not trusted with the log. */
export const transfer: Handler<'Transfer'> = async (context, message, request) => {
  const account = requireAuthenticated(request.auth?.account);
  if (!context.options.transferAccounts.has(account)) {
    throw new MeshError('UNAUTHORIZED', 'this account may not transfer the log', {
      field: 'Account',
    });
  }
  await context.tree.current();
  const checkpoint = context.tree.checkpoint(context.options.clock());
  const constraints = message.SearchConstraints;
  const state =
    constraints?.PageKey !== undefined
      ? context.pageKeys.open(
          'Transfer',
          constraints.PageKey,
          transferStateSchema,
          'TransferRequest.SearchConstraints.PageKey',
        )
      : {
          next: message.FromTransaction ?? 1,
          to: Math.min(message.ToTransaction ?? checkpoint.TreeSize, checkpoint.TreeSize),
          ...(constraints?.NotBefore === undefined
            ? {}
            : { notBefore: dateTimeMillis(constraints.NotBefore) }),
          ...(constraints?.Before === undefined
            ? {}
            : { before: dateTimeMillis(constraints.Before) }),
        };
  const limits = context.options.limits;
  const max = Math.min(
    constraints?.MaxEntries ?? limits.maxEntriesPerPage,
    limits.maxEntriesPerPage,
  );
  const maxBytes = constraints?.MaxBytes ?? Number.POSITIVE_INFINITY;
  const to = Math.min(state.to, checkpoint.TreeSize);
  const items: LogRecord[] = [];
  let bytes = 0;
  let next = state.next;
  let scanned = 0;
  scan: while (next <= to && items.length < max && scanned < max * SCAN_FACTOR) {
    const rows = await context.backend.logRows(next - 1, to, max);
    if (rows.length === 0) break;
    for (const row of rows) {
      scanned++;
      const wanted =
        (state.notBefore === undefined || row.time >= state.notBefore) &&
        (state.before === undefined || row.time < state.before);
      if (wanted) {
        if (items.length >= max || (items.length > 0 && bytes + row.record.length > maxBytes))
          break scan;
        bytes += row.record.length;
        items.push({
          TransactionID: row.id,
          LeafIndex: row.id - 1,
          Published: new Date(row.time).toISOString(),
          Record: row.record,
        });
      }
      next = row.id + 1;
    }
  }
  return respond(STATUS.OK, {
    DataItems: items,
    ...(next <= to ? { PageKey: context.pageKeys.issue('Transfer', { ...state, next, to }) } : {}),
    Checkpoint: checkpoint,
  });
};
