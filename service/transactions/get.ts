/**
 * Get (draft-hallambaker-mesh-reference-03 section 7.8): published profiles and escrow entries by
 * Identifier, Account or KeyValues, newest version only unless Multiple, paged by MaxEntries /
 * MaxBytes / PageKey, and with Full the exact log record and an inclusion proof against a
 * checkpoint (docs/architecture.md section 5).
 */
import { z } from 'zod';
import { MeshError } from '../../shared/errors';
import { encodeProof } from '../../shared/merkle/hash-encoding';
import { requireAccountName } from '../../shared/protocol/account-name';
import { dateTimeMillis } from '../../shared/protocol/date-time';
import type { DataItem } from '../../shared/protocol/messages/get';
import { dataItemTypes } from '../../shared/protocol/messages/get';
import { STATUS } from '../../shared/protocol/status-codes';
import { canonicalIdentifier, identifierLookup } from '../identifiers';
import type { PublishedQuery } from '../storage/backend';
import type { PublishedRow } from '../storage/rows';
import { openAccount } from './accounts';
import type { Handler } from './context';
import { EncodedResponse, respond } from './context';

/** The largest Get page (besides one entry that is bigger by itself). */
export const MAX_PAGE_BYTES = 256 * 1024;

/** The query a Get page key carries. */
const getStateSchema = z.object({
  identifier: z
    .union([z.object({ exact: z.string() }), z.object({ prefix: z.string() })])
    .optional(),
  type: z.enum(dataItemTypes).optional(),
  account: z.object({ name: z.string(), profileId: z.string() }).optional(),
  device: z.string().optional(),
  name: z.string().optional(),
  notBefore: z.number().optional(),
  before: z.number().optional(),
  latestOnly: z.boolean(),
  full: z.boolean(),
  after: z.number(),
});
type GetState = z.infer<typeof getStateSchema>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function twice(key: string): MeshError {
  return new MeshError('INVALID_MESSAGE', `GetRequest: ${key} is given twice`, {
    field: `GetRequest.KeyValues`,
  });
}

/** Turn a GetRequest into the stored query (throws 400 / 404 as the request deserves). */
async function queryOf(
  context: Parameters<Handler<'Get'>>[0],
  message: Parameters<Handler<'Get'>>[1],
): Promise<GetState> {
  let identifier = message.Identifier;
  let accountName = message.Account;
  let type: GetState['type'];
  let device: string | undefined;
  let name: string | undefined;
  for (const { Key, Value } of message.KeyValues ?? []) {
    if (Key === 'Identifier') {
      if (identifier !== undefined) throw twice(Key);
      identifier = Value;
    } else if (Key === 'Account') {
      if (accountName !== undefined) throw twice(Key);
      accountName = Value;
    } else if (Key === 'Type') {
      if (type !== undefined) throw twice(Key);
      const parsed = z.enum(dataItemTypes).safeParse(Value);
      if (!parsed.success) {
        throw new MeshError(
          'INVALID_MESSAGE',
          `GetRequest.KeyValues: Type must be one of ${dataItemTypes.join(', ')}`,
          {
            field: 'GetRequest.KeyValues',
          },
        );
      }
      type = parsed.data;
    } else if (Key === 'Device') {
      if (device !== undefined) throw twice(Key);
      device = canonicalIdentifier(Value, 'GetRequest.KeyValues.Device');
    } else if (Key === 'Name') {
      if (name !== undefined) throw twice(Key);
      name = Value;
    }
  }
  let account: GetState['account'];
  if (accountName !== undefined) {
    const canonical = requireAccountName(
      accountName,
      'GetRequest.Account',
      context.options.accountPolicy,
    );
    const row = await openAccount(context.backend, canonical, 'GetRequest.Account');
    account = { name: row.name, profileId: row.profileId };
  }
  // A search must select: by Type alone (or nothing) it would list every account's profile and,
  // through them, every device name; nobody may enumerate the service.
  if (
    identifier === undefined &&
    accountName === undefined &&
    device === undefined &&
    name === undefined
  ) {
    throw new MeshError(
      'INVALID_MESSAGE',
      'GetRequest: give an Identifier, Account, Device or Name to search by (a Type alone would list every account)',
      { field: 'GetRequest.KeyValues' },
    );
  }
  if (identifier === undefined && type === undefined) type = 'PersonalProfile';
  const constraints = message.SearchConstraints;
  const state: GetState = {
    latestOnly: message.Multiple !== true,
    full: message.Full === true,
    after: 0,
  };
  if (identifier !== undefined)
    state.identifier = identifierLookup(identifier, 'GetRequest.Identifier');
  if (type !== undefined) state.type = type;
  if (account !== undefined) state.account = account;
  if (device !== undefined) state.device = device;
  if (name !== undefined) state.name = name;
  if (constraints?.NotBefore !== undefined) state.notBefore = dateTimeMillis(constraints.NotBefore);
  if (constraints?.Before !== undefined) state.before = dateTimeMillis(constraints.Before);
  return state;
}

/**
 * The GetResponse body of a page without Full, written directly: each stored entry is already the
 * JSON the service wrote when it accepted it (a SignedObject of exactly Identifier and SignedData,
 * or an EscrowEntry that passed its schema), so it is embedded as it is rather than parsed and
 * re-encoded. Same bytes as encodeResponse would give, field for field (test/service/get-encoding).
 */
export function encodeGetPage(rows: readonly PublishedRow[], pageKey: string | undefined): string {
  const items = rows.map(
    (row) =>
      `{"Type":${JSON.stringify(row.type)},"Identifier":${JSON.stringify(row.identifier)},` +
      `"Account":${JSON.stringify(row.account)},"Published":"${new Date(row.published).toISOString()}",` +
      `"TransactionID":${row.txId},"${row.type === 'PersonalProfile' ? 'Profile' : 'EscrowEntry'}":${row.entry}}`,
  );
  const more = pageKey === undefined ? '' : `,"PageKey":${JSON.stringify(pageKey)}`;
  return `{"GetResponse":{"Status":200,"StatusDescription":"OK","DataItems":[${items.join(',')}]${more}}}`;
}

function dataItem(row: PublishedRow): DataItem {
  const entry = JSON.parse(row.entry) as unknown;
  return {
    Type: row.type,
    Identifier: row.identifier,
    Account: row.account,
    Published: new Date(row.published).toISOString(),
    TransactionID: row.txId,
    ...(row.type === 'PersonalProfile'
      ? { Profile: entry as DataItem['Profile'] }
      : { EscrowEntry: entry as DataItem['EscrowEntry'] }),
  };
}

/** Answer Get: 200 with the page, 404 when nothing matches. */
export const get: Handler<'Get'> = async (context, message) => {
  const pageKey = message.SearchConstraints?.PageKey;
  const state =
    pageKey === undefined
      ? await queryOf(context, message)
      : context.pageKeys.open(
          'Get',
          pageKey,
          getStateSchema,
          'GetRequest.SearchConstraints.PageKey',
        );
  const maxEntries = Math.min(
    message.SearchConstraints?.MaxEntries ?? context.options.limits.maxEntriesPerPage,
    context.options.limits.maxEntriesPerPage,
  );
  // A page is at most MAX_PAGE_BYTES unless the caller asks for less: a small request cannot make
  // a reply of megabytes (a profile bigger than that still comes, alone on its page).
  const maxBytes = Math.min(message.SearchConstraints?.MaxBytes ?? MAX_PAGE_BYTES, MAX_PAGE_BYTES);
  const query: Mutable<PublishedQuery> = {
    latestOnly: state.latestOnly,
    afterTxId: state.after,
    limit: maxEntries + 1,
  };
  if (state.identifier !== undefined) query.identifier = state.identifier;
  if (state.type !== undefined) query.type = state.type;
  if (state.account !== undefined) query.account = state.account;
  if (state.device !== undefined) query.device = state.device;
  if (state.name !== undefined) query.name = state.name;
  if (state.notBefore !== undefined) query.notBefore = state.notBefore;
  if (state.before !== undefined) query.before = state.before;
  const rows = await context.backend.searchPublished(query);
  const page: PublishedRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (page.length >= maxEntries) break;
    if (page.length > 0 && bytes + row.entry.length > maxBytes) break;
    bytes += row.entry.length;
    page.push(row);
  }
  if (page.length === 0 && pageKey === undefined) {
    throw new MeshError('NOT_FOUND', 'nothing published matches the request', {
      field: 'GetRequest',
    });
  }
  const last = page[page.length - 1];
  const more = page.length < rows.length && last !== undefined;
  const nextKey = more ? context.pageKeys.issue('Get', { ...state, after: last.txId }) : undefined;
  if (!state.full) return new EncodedResponse(STATUS.OK, encodeGetPage(page, nextKey));
  const items = page.map(dataItem);
  let checkpoint;
  if (page.length > 0) {
    await context.tree.current();
    checkpoint = context.tree.checkpoint(context.options.clock());
    for (const [i, row] of page.entries()) {
      const [record] = await context.backend.logRows(row.txId - 1, row.txId, 1);
      if (record === undefined || row.txId > checkpoint.TreeSize) {
        throw new MeshError('LOG_INCONSISTENT', 'a published entry is missing from the log');
      }
      items[i] = {
        ...(items[i] as DataItem),
        Record: record.record,
        LeafIndex: row.txId - 1,
        InclusionProof: encodeProof(context.tree.inclusionProof(row.txId - 1, checkpoint.TreeSize)),
      };
    }
  }
  return respond(STATUS.OK, {
    DataItems: items,
    ...(nextKey === undefined ? {} : { PageKey: nextKey }),
    ...(checkpoint === undefined ? {} : { Checkpoint: checkpoint }),
  });
};
