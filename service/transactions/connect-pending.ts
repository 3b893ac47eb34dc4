/**
 * ConnectPending (draft-hallambaker-mesh-reference-03 section 7.13): the unanswered connection
 * requests of the authenticated account, oldest first, with what an administrator needs to
 * recompute each witness. Only administrator devices are told (the profile's Administrators list,
 * docs/device-flows.md "Roles"); others get
 * 401. With WaitSeconds it is a long poll, like ConnectStatus: held until a request newer than
 * After is waiting, woken by ConnectStart in this process or, on PostgreSQL, another process's
 * NOTIFY (with a shared backend it also re-reads once a second).
 */
import { z } from 'zod';
import { MeshError } from '../../shared/errors';
import type { PendingConnection } from '../../shared/protocol/messages/connect-pending';
import { isAdministrator } from '../../shared/profiles/personal-profile';
import { STATUS } from '../../shared/protocol/status-codes';
import { currentProfile, openAccount } from './accounts';
import type { Handler, RequestContext, ServiceContext } from './context';
import { requireAuthenticated, respond } from './context';

const SHARED_RECHECK_MS = 1000;

/** Refuse a device the account's profile does not list as an administrator. */
async function requireAdministrator(
  context: ServiceContext,
  account: string,
  device: string | undefined,
): Promise<void> {
  const row = await openAccount(context.backend, account, 'ConnectPendingRequest.AccountID');
  const current = await currentProfile(context, context.backend, row);
  if (device === undefined || isAdministrator(current.profile, device) === false) {
    throw new MeshError(
      'UNAUTHORIZED',
      'not-administrator: only administrator devices of the account are told of connection requests',
      { field: 'Authorization', reason: 'not-administrator' },
    );
  }
}

/** The TransactionID of the newest unanswered, unexpired request of `account` (0: none). */
async function newestPending(context: ServiceContext, account: string): Promise<number> {
  const rows = await context.backend.pendingConnections(
    account,
    context.options.clock(),
    undefined,
    context.options.limits.maxPendingConnections + 1,
  );
  return rows.reduce((newest, row) => Math.max(newest, row.txId), 0);
}

/** Hold the request until a request newer than `after` waits, the time is up, or it aborts. */
async function waitForNewer(
  context: ServiceContext,
  request: RequestContext,
  account: string,
  after: number,
  waitSeconds: number,
): Promise<void> {
  const waitMs = Math.min(waitSeconds, context.options.limits.maxWaitSeconds) * 1000;
  const deadline = context.options.clock() + waitMs;
  while (!request.signal.aborted) {
    const left = deadline - context.options.clock();
    if (left <= 0) return;
    const slice = context.backend.shared ? Math.min(left, SHARED_RECHECK_MS) : left;
    // Listen before reading, so a request made in between still wakes this poll.
    const found = new AbortController();
    const woken = context.waiters.waitForRequest(
      account,
      slice,
      AbortSignal.any([request.signal, found.signal]),
    );
    if ((await newestPending(context, account)) > after) {
      found.abort();
      await woken;
      return;
    }
    await woken;
  }
}

const pendingStateSchema = z.object({
  account: z.string(),
  received: z.number(),
  deviceId: z.string(),
});

/** Answer ConnectPending: 200 with a page of pending requests (after the wait, if asked). */
export const connectPending: Handler<'ConnectPending'> = async (context, message, request) => {
  const account = requireAuthenticated(request.auth?.account);
  await requireAdministrator(context, account, request.auth?.device);
  if (message.WaitSeconds !== undefined && message.SearchConstraints?.PageKey === undefined) {
    await waitForNewer(context, request, account, message.After ?? 0, message.WaitSeconds);
  }
  const limits = context.options.limits;
  const max = Math.min(
    message.SearchConstraints?.MaxEntries ?? limits.maxEntriesPerPage,
    limits.maxEntriesPerPage,
  );
  const pageKey = message.SearchConstraints?.PageKey;
  let after: { received: number; deviceId: string } | undefined;
  if (pageKey !== undefined) {
    const field = 'ConnectPendingRequest.SearchConstraints.PageKey';
    const state = context.pageKeys.open('ConnectPending', pageKey, pendingStateSchema, field);
    if (state.account !== account) {
      throw new MeshError('INVALID_MESSAGE', `${field}: issued for another account`, { field });
    }
    after = { received: state.received, deviceId: state.deviceId };
  }
  const rows = await context.backend.pendingConnections(
    account,
    context.options.clock(),
    after,
    max + 1,
  );
  const page = rows.slice(0, max);
  const pending: PendingConnection[] = page.map((row) => ({
    DeviceID: row.deviceId,
    TransactionID: row.txId,
    SignedRequest: JSON.parse(row.request) as PendingConnection['SignedRequest'],
    ServerNonce: row.serverNonce,
    Witness: row.witness,
    ...(row.pinId === null ? {} : { PinID: row.pinId }),
    PinVerified: row.pinVerified,
    Received: new Date(row.received).toISOString(),
    Expires: new Date(row.expires).toISOString(),
  }));
  const last = page[page.length - 1];
  return respond(STATUS.OK, {
    Pending: pending,
    ...(rows.length > page.length && last !== undefined
      ? {
          PageKey: context.pageKeys.issue('ConnectPending', {
            account,
            received: last.received,
            deviceId: last.deviceId,
          }),
        }
      : {}),
  });
};
