/**
 * The administrator's answer to a connection request (draft-hallambaker-mesh-reference-03 section
 * 6.1.3-6.1.4, 7.14 ConnectComplete): a ConnectionResult repeating the request's parent profile,
 * device profile and client nonce, with Result Accepted or Refused, signed by the online signing
 * key, posted to the service for the new device to collect. A device accepted as administrator also
 * finds the online signing key in it, encrypted to its DeviceEncryptionKey (OnlineKey, the same JWE
 * as its Administrators entry in the profile; docs/device-flows.md "Roles").
 */
import { verifyJws } from '../../../shared/crypto/jws';
import type { ConnectionResult, ConnectionResultValue } from '../../../shared/profiles/connection';
import { verifyConnectionResult } from '../../../shared/profiles/connection';
import type { GeneralJwe } from '../../../shared/crypto/jwe-schema';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import type { DeviceContext } from '../session/device-context';
import type { PendingConnection } from './pending-connections';
import { signObject } from '../profile/profile-signing';

/**
 * Sign the result for `pending` with the administration key, check it as the new device will
 * (against `profile`), and post it with ConnectComplete. Returns the log's TransactionID.
 */
export async function postConnectionResult(
  context: DeviceContext,
  pending: PendingConnection,
  value: ConnectionResultValue,
  profile: VerifiedPersonalProfile,
  signal?: AbortSignal,
  onlineKey?: GeneralJwe,
): Promise<number> {
  const binding = context.requireAccount();
  const online = await context.administrationKey();
  const { request } = pending.request;
  const result: ConnectionResult = {
    ParentUDF: request.ParentUDF,
    Device: request.Device,
    ClientNonce: request.ClientNonce,
    Result: value,
    ...(onlineKey !== undefined && { OnlineKey: onlineKey }),
  };
  const signed = await signObject(pending.deviceUdf, result, online, 'ConnectionResult');
  await verifyConnectionResult(signed, profile, verifyJws);
  const client = await context.accountClient();
  const answer = await client.call(
    'ConnectComplete',
    { AccountID: binding.account, Result: signed },
    { signal },
  );
  return answer.TransactionID;
}
