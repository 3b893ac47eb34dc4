/**
 * DeleteAccount (draft-hallambaker-mesh-protocol-00 section 10.12): close the authenticated
 * account; its name stays taken. What the log does not need goes at once: its container entries and
 * heads, its connection requests and PINs (the log keeps every record, and published profiles stay
 * so the name cannot be rebound).
 */
import { MeshError } from '../../shared/errors';
import { STATUS } from '../../shared/protocol/status-codes';
import type { Handler } from './context';
import { requireAuthenticated, respond, submit } from './context';

/** Answer DeleteAccount: 200, or 404 when it is closed already. */
export const deleteAccount: Handler<'DeleteAccount'> = async (context, _message, request) => {
  const name = requireAuthenticated(request.auth?.account);
  const transactionId = await submit(context, request, async (scope) => {
    const account = await scope.account(name);
    if (account === undefined || account.status !== 'Open') {
      throw new MeshError('NOT_FOUND', 'Account: no such account', { field: 'Account' });
    }
    const txId = scope.append('DeleteAccount', { Account: name });
    scope.putAccount({ ...account, status: 'Closed', txId });
    scope.purge(name);
    return txId;
  });
  context.usage.reset(name);
  return respond(STATUS.OK, { TransactionID: transactionId });
};
