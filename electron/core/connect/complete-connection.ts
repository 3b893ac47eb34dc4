/**
 * Learn the answer to this device's connection request and finish connecting (docs/architecture.md
 * section 7; draft-hallambaker-mesh-reference-03 section 7.12 ConnectStatus): long-poll the service
 * so the answer arrives within moments of the administrator's click, verify the signed
 * ConnectionResult against the account's personal profile (fetched and proven through the log, and
 * a lawful successor of the one the request was made against), and - when accepted and the profile
 * lists this device - bind the home to the account and cache the profile; accepted as
 * administrator, keep the online signing key the result carries encrypted to this device
 * (docs/device-flows.md "Roles"). A request made with a PIN is accepted only with the
 * PinProfileProof that binds the master profile it asked to join (shared/profiles/pin.ts): an
 * answer without it, or with another, comes from an account the PIN was not issued for, and the
 * request is dropped with PROFILE_MISMATCH, nothing of that account kept.
 */
import { verifyJws } from '../../../shared/crypto/jws';
import { isMeshError, MeshError } from '../../../shared/errors';
import { verifyConnectionResult } from '../../../shared/profiles/connection';
import { findDevice, verifyPersonalProfileChain } from '../../../shared/profiles/personal-profile';
import type { SignedObject } from '../../../shared/profiles/signed-object';
import { udfMatches } from '../../../shared/udf';
import { pinProfileDigest } from '../../../shared/profiles/pin';
import { awaitConnectionResult } from '../protocol/long-poll';
import { adoptRole } from '../profile/administration';
import type { DeviceContext } from '../session/device-context';
import type { ConnectionState } from '../session/device-events';
import {
  deleteConnectionRequest,
  readConnectionRequest,
  writeAccountBinding,
  type ConnectionRequestRecord,
} from '../session/device-records';
import { fetchPersonalProfile } from '../profile/fetch-personal-profile';

/** How long to wait. */
export interface CompleteConnectionOptions {
  /** Wait up to this many seconds for the answer (0: ask once). */
  readonly waitSeconds?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Where the request stands. */
export interface ConnectionOutcome {
  /** connected, refused, expired, or requested (still waiting). */
  readonly state: Extract<ConnectionState, 'connected' | 'refused' | 'expired' | 'requested'>;
  readonly address: string;
  readonly deviceUdf: string;
  readonly profileUdf: string;
  readonly witness: string;
}

/** Longest single poll, when the service does not say (Hello Limits.MaxWaitSeconds). */
const DEFAULT_MAX_WAIT_SECONDS = 30;

/**
 * Collect the answer to this home's connection request (module comment). NOT_CONNECTED when the
 * home has no request; the verification errors of the result and profile when they do not hold
 * up (the request is then kept, so nothing forged is acted on and the user may ask again).
 */
export async function completeConnection(
  context: DeviceContext,
  options: CompleteConnectionOptions = {},
): Promise<ConnectionOutcome> {
  const record = readConnectionRequest(context.store);
  if (record === undefined) {
    const binding = context.account();
    if (binding !== undefined) {
      return {
        state: 'connected',
        address: binding.address,
        deviceUdf: binding.deviceUdf,
        profileUdf: binding.profileUdf,
        witness: '',
      };
    }
    throw new MeshError('NOT_CONNECTED', 'this device has not asked to connect to an account', {
      reason: 'no-request',
    });
  }
  const outcome = (state: ConnectionOutcome['state']): ConnectionOutcome => ({
    state,
    address: record.address,
    deviceUdf: record.deviceUdf,
    profileUdf: record.profileUdf,
    witness: record.witness,
  });
  const waitSeconds = Math.max(0, options.waitSeconds ?? 0);
  context.events.emit('progress', {
    operation: 'complete-connection',
    step: 'Waiting for an administrator device to answer',
  });
  const client = await context.serviceClient(record.address);
  const signer = await context.requestSigner(record.account);
  let answer;
  try {
    answer = await awaitConnectionResult(
      client,
      { AccountID: record.account, DeviceID: record.deviceUdf },
      {
        totalSeconds: waitSeconds,
        maxWaitSeconds: DEFAULT_MAX_WAIT_SECONDS,
        signer,
        ...(options.signal !== undefined && { signal: options.signal }),
      },
    );
  } catch (error) {
    if (!isMeshError(error, 'NOT_FOUND')) throw error;
    // The service holds no request for this device any more: it lapsed unanswered.
    deleteConnectionRequest(context.store);
    emitState(context, 'expired', record);
    return outcome('expired');
  }
  if (answer.Pending || answer.Result === undefined) return outcome('requested');

  context.events.emit('progress', {
    operation: 'complete-connection',
    step: 'Verifying the answer and the profile',
  });
  const verdict = await verifyAnswer(context, record, answer.Result, options.signal);
  if (verdict.result === 'Query') return outcome('requested');
  if (verdict.result === 'Accepted' && !pinBindingHolds(record, verdict.pinProfileProof)) {
    // Not the account the PIN was issued for: drop the request and keep nothing of that account.
    deleteConnectionRequest(context.store);
    context.events.emit('connection-state', {
      state: 'unconnected',
      account: undefined,
      deviceUdf: undefined,
    });
    throw new MeshError(
      'PROFILE_MISMATCH',
      `${record.address} answered with a master profile the PIN was not issued for: the service may be trying to connect this device to another account; nothing was kept`,
      {
        field: 'Result.PinProfileProof',
        reason: 'pin',
        service: record.address.slice(record.address.lastIndexOf('@') + 1),
        offered: record.profileUdf,
      },
    );
  }
  deleteConnectionRequest(context.store);
  if (verdict.result === 'Refused') {
    emitState(context, 'refused', record);
    return outcome('refused');
  }
  context.cachePersonalProfile(verdict.profile);
  writeAccountBinding(context.store, {
    address: record.address,
    account: record.account,
    profileUdf: record.profileUdf,
    deviceUdf: record.deviceUdf,
    deviceName: record.deviceName,
    role: 'device',
    connected: context.timestamp(),
  });
  // Accepted as administrator: take the online signing key the result carries.
  await adoptRole(context, verdict.profile, verdict.onlineKey);
  emitState(context, 'connected', record);
  return outcome('connected');
}

/**
 * Check the signed result: by an online key of the account's current profile (proven through
 * the log, a lawful successor of the version the request was made against), about this very
 * request (device and client nonce), and - when Accepted - with a profile that lists this device.
 */
async function verifyAnswer(
  context: DeviceContext,
  record: ConnectionRequestRecord,
  signedResult: SignedObject,
  signal: AbortSignal | undefined,
) {
  const requestedAgainst = await verifyPersonalProfileChain(record.profile, verifyJws);
  const profile = await fetchPersonalProfile(context, record.address, {
    signal,
    expected: record.profileUdf,
    previous: requestedAgainst,
  });
  const verified = await verifyConnectionResult(signedResult, profile, verifyJws);
  const { result, device } = verified;
  if (!udfMatches(device.identifier, record.deviceUdf)) {
    throw new MeshError('UNTRUSTED_PROFILE', 'the connection result is about another device', {
      field: 'Result.Device',
    });
  }
  if (result.ClientNonce === undefined || result.ClientNonce !== record.clientNonce) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      'the connection result answers another request of this device (client nonce differs)',
      { field: 'Result.ClientNonce' },
    );
  }
  if (result.Result === 'Accepted' && findDevice(profile, record.deviceUdf) === undefined) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      'the request was accepted but the published personal profile does not list this device',
      { field: 'Profile.Devices' },
    );
  }
  return {
    result: result.Result,
    profile,
    onlineKey: result.OnlineKey,
    pinProfileProof: result.PinProfileProof,
  };
}

/** True for a request made without a PIN, or when the answer's PinProfileProof is the expected. */
function pinBindingHolds(record: ConnectionRequestRecord, proof: string | undefined): boolean {
  if (record.pinProfileCheck === undefined) return true;
  return proof !== undefined && pinProfileDigest(proof) === record.pinProfileCheck;
}

function emitState(
  context: DeviceContext,
  state: ConnectionState,
  record: ConnectionRequestRecord,
): void {
  context.events.emit('connection-state', {
    state,
    account: record.address,
    deviceUdf: record.deviceUdf,
  });
}
