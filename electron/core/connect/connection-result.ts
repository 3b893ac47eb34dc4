/**
 * The administrator's answer to a connection request (draft-hallambaker-mesh-reference-03 section
 * 6.1.3-6.1.4, 7.14 ConnectComplete): a ConnectionResult repeating the request's parent profile,
 * device profile and client nonce, with Result Accepted or Refused, signed by the online signing
 * key, posted to the service for the new device to collect. A device accepted as administrator also
 * finds the online signing key in it, encrypted to its DeviceEncryptionKey (OnlineKey, the same JWE
 * as its Administrators entry in the profile; docs/device-flows.md "Roles"). A result answering a
 * request that proved a PIN this device issued carries PinProfileProof, the MAC under the PIN's
 * administrator key that binds this account's master profile for the new device
 * (shared/profiles/pin.ts; docs/device-flows.md "Connect by PIN").
 */
import { verifyJws } from '../../../shared/crypto/jws';
import type { ConnectionResult, ConnectionResultValue } from '../../../shared/profiles/connection';
import { verifyConnectionResult } from '../../../shared/profiles/connection';
import type { GeneralJwe } from '../../../shared/crypto/jwe-schema';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import type { DeviceContext } from '../session/device-context';
import type { PendingConnection } from './pending-connections';
import { signObject } from '../profile/profile-signing';
import { base64urlDecode } from '../../../shared/encoding/base64url';
import { computePinProfileProof } from '../../../shared/profiles/pin';
import { readIssuedPin } from '../session/device-records';

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
    ...(value === 'Accepted' && pinProfileProof(context, pending, profile.identifier)),
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

/**
 * PinProfileProof for a request that proved a PIN this device issued (pending.pinId is set only
 * then, and the PIN's administrator key is still held), over this account's master profile.
 */
function pinProfileProof(
  context: DeviceContext,
  pending: PendingConnection,
  profileUdf: string,
): Pick<ConnectionResult, 'PinProfileProof'> | undefined {
  if (pending.pinId === undefined) return undefined;
  const issued = readIssuedPin(context.store, pending.pinId);
  if (issued === undefined) return undefined;
  const adminKey = base64urlDecode(issued.adminKey);
  try {
    return {
      PinProfileProof: computePinProfileProof(adminKey, {
        account: context.requireAccount().account,
        clientNonce: pending.request.request.ClientNonce,
        deviceUdf: pending.deviceUdf,
        profileUdf,
      }),
    };
  } finally {
    adminKey.fill(0);
  }
}
