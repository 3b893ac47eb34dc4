/**
 * ConnectPin (docs/architecture.md section 7): an administrator device registers a one-time PIN
 * (its PinID, the service verification key derived from it, an expiry) for the PIN/QR connection
 * flow. The key is kept in the pins table only; the log records that a PIN was registered, not the
 * key.
 */
import { MeshError } from '../../shared/errors';
import { dateTimeMillis } from '../../shared/protocol/date-time';
import { STATUS } from '../../shared/protocol/status-codes';
import type { Handler } from './context';
import { requireAuthenticated, respond, submit } from './context';

/** Answer ConnectPin: 201; 400 for an expiry in the past or too far; 409 for a PinID in use. */
export const connectPin: Handler<'ConnectPin'> = async (context, message, request) => {
  const name = requireAuthenticated(request.auth?.account);
  const expires = dateTimeMillis(message.Expires);
  const now = context.options.clock();
  if (expires <= now || expires > now + context.options.maxPinLifetimeMs) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `ConnectPinRequest.Expires: must be in the future and at most ${context.options.maxPinLifetimeMs / 3_600_000} h away`,
      { field: 'ConnectPinRequest.Expires' },
    );
  }
  const txId = await submit(context, request, async (scope) => {
    const account = await scope.account(name);
    if (account?.status !== 'Open') {
      throw new MeshError('NOT_FOUND', 'AccountID: no such account', { field: 'AccountID' });
    }
    if ((await scope.pin(name, message.PinID)) !== undefined) {
      throw new MeshError('ALREADY_EXISTS', 'ConnectPinRequest.PinID is registered already', {
        field: 'ConnectPinRequest.PinID',
      });
    }
    const id = scope.append('ConnectPin', {
      AccountID: name,
      PinID: message.PinID,
      Expires: new Date(expires).toISOString(),
    });
    scope.putPin({
      account: name,
      pinId: message.PinID,
      key: message.PinKey,
      expires,
      used: false,
      failures: 0,
    });
    return id;
  });
  return respond(STATUS.Created, { Expires: new Date(expires).toISOString(), TransactionID: txId });
};
