/** DeleteAccount (seed 004 10.12): close the authenticated account; its name stays taken. */
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
    return txId;
  });
  return respond(STATUS.OK, { TransactionID: transactionId });
};
