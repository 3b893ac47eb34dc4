/**
 * ConnectStatus (draft-hallambaker-mesh-reference-03 section 7.12; docs/architecture.md section 7):
 * the requesting device learns the answer to its request, waiting for it up to WaitSeconds (long
 * poll). It is woken by the "answered" event of this process or, on PostgreSQL, another process's
 * NOTIFY; with a shared backend it also re-reads once a second, so a lost notification only delays
 * the answer.
 */
import { MeshError } from '../../shared/errors';
import { STATUS } from '../../shared/protocol/status-codes';
import { canonicalIdentifier } from '../identifiers';
import type { ConnectionRow } from '../storage/rows';
import type { Handler, ServiceContext } from './context';
import { requireAuthenticated, respond } from './context';

const SHARED_RECHECK_MS = 1000;

async function lookup(
  context: ServiceContext,
  account: string,
  deviceId: string,
): Promise<ConnectionRow> {
  const row = await context.backend.connection(account, deviceId);
  if (row === undefined || (row.state === 'Pending' && row.expires <= context.options.clock())) {
    throw new MeshError('NOT_FOUND', 'no connection request of this device is waiting', {
      field: 'ConnectStatusRequest.DeviceID',
    });
  }
  return row;
}

/** Answer ConnectStatus: 200 with Pending, and Result once answered. */
export const connectStatus: Handler<'ConnectStatus'> = async (context, message, request) => {
  const account = requireAuthenticated(request.auth?.account);
  const deviceId = canonicalIdentifier(message.DeviceID, 'ConnectStatusRequest.DeviceID');
  let row = await lookup(context, account, deviceId);
  const waitMs = Math.min(message.WaitSeconds ?? 0, context.options.limits.maxWaitSeconds) * 1000;
  const deadline = context.options.clock() + waitMs;
  while (row.state === 'Pending' && !request.signal.aborted) {
    const left = deadline - context.options.clock();
    if (left <= 0) break;
    const slice = context.backend.shared ? Math.min(left, SHARED_RECHECK_MS) : left;
    await context.waiters.wait(account, deviceId, slice, request.signal);
    row = await lookup(context, account, deviceId);
  }
  return respond(STATUS.OK, {
    Pending: row.state === 'Pending',
    ...(row.result === null
      ? {}
      : { Result: JSON.parse(row.result) as { Identifier: string; SignedData: string } }),
  });
};
