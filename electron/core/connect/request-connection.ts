/**
 * Ask to connect this device to an account (docs/architecture.md section 7, "Connect a device";
 * draft-hallambaker-mesh-reference-03
 * 6.1, 7.11 ConnectStart): fetch the account's personal profile and prove it, sign this device's
 * profile and a ConnectionRequest carrying a fresh client nonce (and, with a PIN, the proofs of
 * knowing it), send it, and compute the witness the user compares with the one the administrator
 * device shows. The request is kept in the local store until completeConnection learns the answer.
 *
 * A connection URI carries the fingerprint of the account's master profile: a profile the service
 * offers with another fingerprint is refused before anything is signed or sent (PROFILE_MISMATCH).
 * A PIN binds the profile too: the device keeps the digest of the PinProfileProof an honest
 * administrator will put in its answer, and completeConnection refuses an answer without it
 * (shared/profiles/pin.ts; docs/device-flows.md "Connect by PIN").
 */
import { verifyJws } from '../../../shared/crypto/jws';
import { MeshError } from '../../../shared/errors';
import type { ConnectionRequest } from '../../../shared/profiles/connection';
import { verifyConnectionRequest } from '../../../shared/profiles/connection';
import { findDevice, verifyPersonalProfileChain } from '../../../shared/profiles/personal-profile';
import {
  computePinProfileProof,
  computePinProof,
  derivePinKeys,
  pinProfileDigest,
} from '../../../shared/profiles/pin';
import { randomNonce, udfMatches } from '../../../shared/udf';
import { computeWitness } from '../../../shared/witness';
import { parseAccountAddress, type AccountAddress } from '../protocol/account-address';
import { deviceNameOrDefault } from '../profile/create-account';
import { isConnectionUri, parseConnectionUri } from './connection-uri';
import type { DeviceContext } from '../session/device-context';
import {
  viewOf,
  writeConnectionRequest,
  type ConnectionRequestRecord,
  type ConnectionRequestView,
} from '../session/device-records';
import { fetchPersonalProfile } from '../profile/fetch-personal-profile';
import { signDeviceProfile, signObject } from '../profile/profile-signing';

export type { ConnectionRequestView };

/** What to ask for. */
export interface RequestConnectionOptions {
  /**
   * `local@service`, or an `mcu://ACCOUNT/PIN?udf=PROFILE` connection URI (which carries the PIN
   * and the master profile's fingerprint).
   */
  readonly address: string;
  /** This device's name in the profile (default: the host name). */
  readonly deviceName?: string | undefined;
  /** A PIN issued by an administrator device: the request is then approved without comparison. */
  readonly pin?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Send a connection request for this device (module comment). ALREADY_EXISTS when this home is
 * connected to an account already, or the profile lists this device; UNAUTHORIZED when the
 * service refuses a PIN (unknown, used, expired or wrong); the fetch's verification errors when
 * the account's profile does not hold up; PROFILE_MISMATCH when it is not the profile the
 * connection URI names; UNTRUSTED_PROFILE when the service's answer does not match the profile
 * and nonces this device sent.
 */
export function requestConnection(
  context: DeviceContext,
  options: RequestConnectionOptions,
): Promise<ConnectionRequestView> {
  // Under the home's lock (docs/local-store.md "Sharing a home"): two processes never set up one
  // home at once, and the second finds what the first did.
  return context.exclusive(
    () => requestConnectionExclusively(context, options),
    'home',
    options.signal,
  );
}

async function requestConnectionExclusively(
  context: DeviceContext,
  options: RequestConnectionOptions,
): Promise<ConnectionRequestView> {
  const target = connectionTarget(options);
  const deviceName = deviceNameOrDefault(options.deviceName);
  const binding = context.account();
  if (binding !== undefined) {
    throw new MeshError(
      'ALREADY_EXISTS',
      `this device home already belongs to ${binding.address}`,
      { field: 'home', reason: 'connected', address: binding.address },
    );
  }
  const progress = (done: number, step: string): void =>
    context.events.emit('progress', { operation: 'request-connection', step, done, total: 3 });

  progress(0, `Fetching the profile of ${target.address.text}`);
  const profile = await fetchPersonalProfile(context, target.address, { signal: options.signal });
  if (target.profileUdf !== undefined && !udfMatches(profile.identifier, target.profileUdf)) {
    throw new MeshError(
      'PROFILE_MISMATCH',
      `the service offered another master profile for ${target.address.text} than the one the connection link names: it may be trying to connect this device to another account; nothing was sent`,
      {
        field: 'uri.udf',
        reason: 'connection-uri',
        service: target.address.service,
        expected: target.profileUdf,
        offered: profile.identifier,
      },
    );
  }
  const keys = await context.ensureDeviceKeys();
  if (findDevice(profile, keys.udf) !== undefined) {
    throw new MeshError(
      'ALREADY_EXISTS',
      `this device is already connected to ${target.address.text}`,
      { field: 'device' },
    );
  }

  progress(1, 'Signing the connection request');
  const clientNonce = randomNonce();
  const device = await signDeviceProfile(keys, deviceName, context.now());
  const request: ConnectionRequest = {
    ParentUDF: profile.identifier,
    Device: device,
    ClientNonce: clientNonce,
    Created: context.timestamp(),
    ...(target.pin !== undefined &&
      pinProofs(target.pin, {
        account: target.address.account,
        clientNonce,
        deviceUdf: keys.udf,
      })),
  };
  const signedRequest = await signObject(keys.udf, request, keys.sign, 'ConnectionRequest');
  await verifyConnectionRequest(signedRequest, verifyJws);

  progress(2, 'Sending the connection request');
  const client = await context.serviceClient(target.address);
  const answer = await client.call(
    'ConnectStart',
    { AccountID: target.address.account, SignedRequest: signedRequest },
    { signal: options.signal },
  );
  // The answer's profile must be the one proven above (or a proper successor of it).
  const answered = await verifyPersonalProfileChain(answer.Profile, verifyJws);
  if (!udfMatches(answered.identifier, profile.identifier)) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      'the service answered the connection request with another master profile',
      { field: 'Profile' },
    );
  }
  const witness = computeWitness({
    profileUdf: profile.identifier,
    serverNonce: answer.ServerNonce,
    deviceUdf: keys.udf,
    clientNonce,
  });
  if (witness !== answer.Witness) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      'the witness the service computed is not the one of this request: do not connect through this service',
      { field: 'Witness' },
    );
  }
  if (target.pin !== undefined && !answer.PinVerified) {
    throw new MeshError('UNAUTHORIZED', 'the service did not accept the PIN', { field: 'PIN' });
  }
  const record: ConnectionRequestRecord = {
    address: target.address.text,
    account: target.address.account,
    profileUdf: profile.identifier,
    deviceUdf: keys.udf,
    deviceName,
    clientNonce,
    serverNonce: answer.ServerNonce,
    witness,
    profile: profile.signed,
    pinVerified: answer.PinVerified,
    ...(target.pin !== undefined && {
      pinProfileCheck: pinProfileCheck(target.pin, {
        account: target.address.account,
        clientNonce,
        deviceUdf: keys.udf,
        profileUdf: profile.identifier,
      }),
    }),
    requested: context.timestamp(),
    expires: answer.Expires,
  };
  writeConnectionRequest(context.store, record);
  progress(3, 'Waiting for an administrator device');
  context.events.emit('connection-state', {
    state: 'requested',
    account: record.address,
    deviceUdf: record.deviceUdf,
  });
  return viewOf(record);
}

function connectionTarget(options: RequestConnectionOptions): {
  address: AccountAddress;
  pin: string | undefined;
  profileUdf: string | undefined;
} {
  if (isConnectionUri(options.address)) {
    const { address, pin, profileUdf } = parseConnectionUri(options.address);
    if (options.pin !== undefined && options.pin !== pin) {
      throw new MeshError('INVALID_ARGUMENT', 'the connection URI already holds a PIN', {
        field: 'pin',
      });
    }
    return { address, pin, profileUdf };
  }
  return { address: parseAccountAddress(options.address), pin: options.pin, profileUdf: undefined };
}

/**
 * The digest of the PinProfileProof an administrator holding the PIN computes over the profile
 * this device asks to join: what completeConnection compares the answer's proof with (the digest,
 * so the local store holds nothing that would make a proof).
 */
function pinProfileCheck(
  pin: string,
  claims: { account: string; clientNonce: string; deviceUdf: string; profileUdf: string },
): string {
  const keys = derivePinKeys(pin);
  try {
    return pinProfileDigest(computePinProfileProof(keys.adminKey, claims));
  } finally {
    keys.serviceKey.fill(0);
    keys.adminKey.fill(0);
  }
}

/**
 * PinID and the two proofs of knowing the PIN (shared/profiles/pin.ts; docs/architecture.md section
 * 7).
 */
function pinProofs(
  pin: string,
  claims: { account: string; clientNonce: string; deviceUdf: string },
): Pick<ConnectionRequest, 'PinID' | 'PinProof' | 'PinAdminProof'> {
  const keys = derivePinKeys(pin);
  try {
    return {
      PinID: keys.pinId,
      PinProof: computePinProof(keys.serviceKey, claims),
      PinAdminProof: computePinProof(keys.adminKey, claims),
    };
  } finally {
    keys.serviceKey.fill(0);
    keys.adminKey.fill(0);
  }
}
