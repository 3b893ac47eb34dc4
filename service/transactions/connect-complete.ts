/**
 * ConnectComplete (draft-hallambaker-mesh-reference-03 section 7.14; docs/architecture.md section
 * 7): an administrator posts the answer to a pending request. The result must be signed by an
 * administration key of the account's profile (an online signature key of its master profile) and
 * name the pending device; an Accepted result needs the published profile to list the device
 * already. The waiting device is woken at once.
 */
import { MeshError } from '../../shared/errors';
import { verifyConnectionResult } from '../../shared/profiles/connection';
import { findDevice } from '../../shared/profiles/personal-profile';
import { STATUS } from '../../shared/protocol/status-codes';
import { canonicalIdentifier } from '../identifiers';
import { currentProfile, openAccount } from './accounts';
import type { Handler } from './context';
import { requireAuthenticated, respond, retryStale, StaleRead, submit } from './context';

/** Answer ConnectComplete: 200; 404 no such request; 409 answered already or device not listed. */
export const connectComplete: Handler<'ConnectComplete'> = async (context, message, request) => {
  const name = requireAuthenticated(request.auth?.account);
  const field = 'ConnectCompleteRequest.Result';
  return retryStale(async () => {
    const account = await openAccount(context.backend, name, 'ConnectCompleteRequest.AccountID');
    const current = await currentProfile(context, context.backend, account);
    const verified = await verifyConnectionResult(
      message.Result,
      current.profile,
      context.verify,
      field,
    );
    const deviceUdf = verified.device.identifier;
    const deviceId = canonicalIdentifier(deviceUdf, `${field}.Device.Identifier`);
    if (
      verified.result.Result === 'Accepted' &&
      findDevice(current.profile, deviceUdf) === undefined
    ) {
      throw new MeshError(
        'CONFLICT',
        'the account profile does not list the device yet: publish it before completing',
        { field: `${field}.Device` },
      );
    }
    const txId = await submit(context, request, async (scope) => {
      const latest = await scope.latestPublished(account.profileId);
      if (latest?.txId !== current.row.txId) throw new StaleRead();
      const pending = await scope.connection(name, deviceId);
      if (pending === undefined || (pending.state === 'Pending' && pending.expires <= scope.now)) {
        throw new MeshError('NOT_FOUND', 'no connection request of that device is waiting', {
          field: `${field}.Device`,
        });
      }
      if (pending.state !== 'Pending') {
        throw new MeshError('CONFLICT', 'the connection request was answered already', {
          field: `${field}.Device`,
        });
      }
      const result = {
        Identifier: message.Result.Identifier,
        SignedData: message.Result.SignedData,
      };
      const id = scope.append('ConnectComplete', {
        AccountID: name,
        DeviceID: deviceId,
        Result: result,
      });
      scope.putConnection({
        ...pending,
        txId: id,
        state: verified.result.Result,
        result: JSON.stringify(result),
      });
      scope.answered(name, deviceId);
      return id;
    });
    return respond(STATUS.OK, { TransactionID: txId });
  });
};
