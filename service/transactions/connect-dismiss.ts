/**
 * ConnectDismiss (docs/protocol.md; beside draft-hallambaker-mesh-protocol section 7.13): the
 * administrator (a device the profile lists as one, docs/device-flows.md "Roles") dismisses
 * pending connection requests at once, every unproven one or those it
 * names. A dismissed request lapses now (ConnectStatus then answers 404). One log record lists
 * the dismissed devices; when there is nothing to dismiss nothing is appended.
 */
import { MeshError } from '../../shared/errors';
import { isAdministrator } from '../../shared/profiles/personal-profile';
import { STATUS } from '../../shared/protocol/status-codes';
import { canonicalIdentifier } from '../identifiers';
import { currentProfile, openAccount } from './accounts';
import type { Handler } from './context';
import { requireAuthenticated, respond, submit } from './context';

/** Answer ConnectDismiss: 200 with the number dismissed. */
export const connectDismiss: Handler<'ConnectDismiss'> = async (context, message, request) => {
  const name = requireAuthenticated(request.auth?.account);
  const row = await openAccount(context.backend, name, 'ConnectDismissRequest.AccountID');
  const current = await currentProfile(context, context.backend, row);
  if (isAdministrator(current.profile, request.auth?.device ?? '') === false) {
    throw new MeshError(
      'UNAUTHORIZED',
      'not-administrator: only administrator devices of the account may dismiss connection requests',
      { field: 'Authorization', reason: 'not-administrator' },
    );
  }
  const named = new Set(
    (message.DeviceIDs ?? []).map((id, i) =>
      canonicalIdentifier(id, `ConnectDismissRequest.DeviceIDs.${i}`),
    ),
  );
  const outcome = await submit(context, request, async (scope) => {
    const now = scope.now;
    const dismissed = (await scope.pendingRequests(name, now)).filter(
      (row) => (message.Unproven === true && !row.pinVerified) || named.has(row.deviceId),
    );
    if (dismissed.length === 0) return { count: 0, txId: undefined };
    const txId = scope.append('ConnectDismiss', {
      AccountID: name,
      DeviceIDs: dismissed.map((row) => row.deviceId),
    });
    for (const row of dismissed) {
      scope.putConnection({ ...row, expires: now });
      context.enrollment.forget(name, row.deviceId);
    }
    return { count: dismissed.length, txId };
  });
  return respond(STATUS.OK, {
    Dismissed: outcome.count,
    ...(outcome.txId === undefined ? {} : { TransactionID: outcome.txId }),
  });
};
