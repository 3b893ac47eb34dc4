/**
 * ConnectPending (seed 001 7.13): the unanswered connection requests of the authenticated account,
 * oldest first, with what an administrator needs to recompute each witness.
 */
import { z } from 'zod';
import { MeshError } from '../../shared/errors';
import type { PendingConnection } from '../../shared/protocol/messages/connect-pending';
import { STATUS } from '../../shared/protocol/status-codes';
import type { Handler } from './context';
import { requireAuthenticated, respond } from './context';

const pendingStateSchema = z.object({
  account: z.string(),
  received: z.number(),
  deviceId: z.string(),
});

/** Answer ConnectPending: 200 with a page of pending requests. */
export const connectPending: Handler<'ConnectPending'> = async (context, message, request) => {
  const account = requireAuthenticated(request.auth?.account);
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
