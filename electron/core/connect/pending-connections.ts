/**
 * The connection requests waiting on this administrator device (docs/architecture.md section 7;
 * draft-hallambaker-mesh-reference-03
 * 7.13 ConnectPending): each request's signature and device profile are verified, and the witness
 * is RECOMPUTED here from the profile UDF, the server nonce, the device UDF and the client nonce -
 * the service's value is never shown as the witness. A request proving a PIN this device issued
 * (PinAdminProof, which the service cannot forge) is marked PIN-verified.
 */
import { verifyJws } from '../../../shared/crypto/jws';
import { base64urlDecode } from '../../../shared/encoding/base64url';
import { isMeshError, MeshError } from '../../../shared/errors';
import type { VerifiedConnectionRequest } from '../../../shared/profiles/connection';
import { verifyConnectionRequest } from '../../../shared/profiles/connection';
import { isAdministrator } from '../../../shared/profiles/personal-profile';
import { verifyPinProof } from '../../../shared/profiles/pin';
import type { PendingConnection as PendingEntry } from '../../../shared/protocol/messages/connect-pending';
import { udfMatches } from '../../../shared/udf';
import { computeWitness } from '../../../shared/witness';
import type { DeviceContext } from '../session/device-context';
import { readIssuedPin } from '../session/device-records';
import { refreshPersonalProfile } from '../profile/update-personal-profile';

/** One request waiting for an answer, as an administrator sees it. */
export interface PendingConnection {
  /** Short name to type: the first two groups of the device UDF. */
  readonly id: string;
  readonly deviceUdf: string;
  readonly deviceName: string;
  /** The witness recomputed on this device (compare it with the new device's). */
  readonly witness: string;
  /** The service's witness equals the one recomputed here (false: the service misbehaves). */
  readonly serviceWitnessAgrees: boolean;
  /** The request proves a PIN this device issued and that has not expired. */
  readonly pinVerified: boolean;
  readonly received: string;
  readonly expires: string;
  /** The verified request, for accept and reject. */
  readonly request: VerifiedConnectionRequest;
  /** The PIN it proves, when pinVerified. */
  readonly pinId: string | undefined;
}

/** A pending entry that did not verify: never offered for approval. */
export interface UnverifiableConnection {
  readonly deviceId: string;
  readonly problem: string;
}

/** What ConnectPending gave, checked. */
export interface PendingConnections {
  readonly pending: readonly PendingConnection[];
  readonly unverifiable: readonly UnverifiableConnection[];
  /** The greatest TransactionID listed (0: none): the `after` of the next long poll. */
  readonly newest: number;
}

/** How to list. */
export interface ListPendingOptions {
  readonly signal?: AbortSignal | undefined;
  /** Long poll: wait up to this many seconds for a request newer than `after`. */
  readonly waitSeconds?: number | undefined;
  /** With waitSeconds: the `newest` of the previous listing. */
  readonly after?: number | undefined;
}

/** Extra time beyond WaitSeconds before a long poll counts as timed out. */
const LONG_POLL_GRACE_MS = 10_000;

/** Most pages of ConnectPending read in one listing. */
const MAX_PAGES = 64;

/**
 * List and verify the account's pending connection requests (module comment). Needs a device
 * of the account (NOT_CONNECTED otherwise); emits nothing (MeshDevice's watcher emits
 * pending-connection for new ones).
 */
export async function listPendingConnections(
  context: DeviceContext,
  options: ListPendingOptions = {},
): Promise<PendingConnections> {
  const binding = context.requireAccount();
  await refuseMember(context, options);
  const client = await context.accountClient();
  const entries: PendingEntry[] = [];
  let pageKey: string | undefined;
  const wait = options.waitSeconds ?? 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const polling = page === 0 && wait > 0;
    const answer = await client.call(
      'ConnectPending',
      {
        AccountID: binding.account,
        ...(pageKey !== undefined && { SearchConstraints: { PageKey: pageKey } }),
        ...(polling && { WaitSeconds: wait, After: options.after ?? 0 }),
      },
      {
        signal: options.signal,
        ...(polling && { timeoutMs: wait * 1000 + LONG_POLL_GRACE_MS }),
      },
    );
    entries.push(...answer.Pending);
    pageKey = answer.PageKey;
    if (pageKey === undefined) break;
  }
  const pending: PendingConnection[] = [];
  const unverifiable: UnverifiableConnection[] = [];
  for (const entry of entries) {
    try {
      pending.push(await checkEntry(context, binding.profileUdf, binding.account, entry));
    } catch (error) {
      if (!isMeshError(error)) throw error;
      unverifiable.push({ deviceId: entry.DeviceID, problem: error.message });
    }
  }
  const newest = entries.reduce((max, entry) => Math.max(max, entry.TransactionID), 0);
  return { pending, unverifiable, newest };
}

/**
 * Only administrators are told of requests (docs/device-flows.md "Roles"): a device the profile
 * lists as a member does not ask (the service would refuse it too). UNAUTHORIZED, reason
 * not-administrator. The cached profile is checked first; a refresh settles a "no" (this device
 * may have been promoted since).
 */
async function refuseMember(
  context: DeviceContext,
  options: { signal?: AbortSignal | undefined },
): Promise<void> {
  const binding = context.requireAccount();
  if (isAdministrator(await context.personalProfile(), binding.deviceUdf) !== false) return;
  const current = await refreshPersonalProfile(context, options);
  if (isAdministrator(current, binding.deviceUdf) !== false) return;
  throw new MeshError(
    'UNAUTHORIZED',
    'this device is a member of the account, not an administrator: connection requests go to administrator devices',
    { reason: 'not-administrator' },
  );
}

/**
 * The pending request `selector` names: its id, its device UDF (or a prefix of at least four
 * characters), or its witness. NOT_FOUND when none matches, INVALID_ARGUMENT when several do.
 */
export function selectPendingConnection(
  pending: readonly PendingConnection[],
  selector: string,
): PendingConnection {
  const wanted = squash(selector);
  if (wanted.length < 4) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'name a pending request by its ID, device UDF or witness (at least 4 characters)',
      { field: 'request' },
    );
  }
  const matches = pending.filter((candidate) => {
    const udf = squash(candidate.deviceUdf);
    return squash(candidate.witness) === wanted || udf.startsWith(wanted) || wanted.startsWith(udf);
  });
  if (matches.length === 0) {
    throw new MeshError('NOT_FOUND', `no pending connection request matches ${selector}`, {
      field: 'request',
    });
  }
  if (matches.length > 1) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `${selector} matches ${matches.length} pending requests: give more of the device UDF`,
      { field: 'request' },
    );
  }
  return matches[0]!;
}

async function checkEntry(
  context: DeviceContext,
  profileUdf: string,
  account: string,
  entry: PendingEntry,
): Promise<PendingConnection> {
  const verified = await verifyConnectionRequest(entry.SignedRequest, verifyJws);
  const { request, device } = verified;
  if (!udfMatches(entry.DeviceID, device.identifier)) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      'the pending entry names another device than its request',
      {
        field: 'DeviceID',
      },
    );
  }
  if (!udfMatches(request.ParentUDF, profileUdf)) {
    throw new MeshError('UNTRUSTED_PROFILE', 'the request asks to join another master profile', {
      field: 'ParentUDF',
    });
  }
  const witness = computeWitness({
    profileUdf,
    serverNonce: entry.ServerNonce,
    deviceUdf: device.identifier,
    clientNonce: request.ClientNonce,
  });
  const pinId = request.PinID;
  const pinVerified =
    entry.PinVerified &&
    pinId !== undefined &&
    request.PinAdminProof !== undefined &&
    adminProofHolds(context, pinId, request.PinAdminProof, {
      account,
      clientNonce: request.ClientNonce,
      deviceUdf: device.identifier,
    });
  return {
    id: shortId(device.identifier),
    deviceUdf: device.identifier,
    deviceName: device.profile.Description,
    witness,
    serviceWitnessAgrees: squash(entry.Witness) === squash(witness),
    pinVerified,
    received: entry.Received,
    expires: entry.Expires,
    request: verified,
    pinId: pinVerified ? pinId : undefined,
  };
}

function adminProofHolds(
  context: DeviceContext,
  pinId: string,
  proof: string,
  claims: { account: string; clientNonce: string; deviceUdf: string },
): boolean {
  const issued = readIssuedPin(context.store, pinId);
  if (issued === undefined || Date.parse(issued.expires) <= context.now()) return false;
  const adminKey = base64urlDecode(issued.adminKey);
  try {
    return verifyPinProof(adminKey, claims, proof);
  } finally {
    adminKey.fill(0);
  }
}

/** The first two groups of a UDF: enough to tell a handful of requests apart. */
export function shortId(udf: string): string {
  return udf.split('-').slice(0, 2).join('-');
}

function squash(text: string): string {
  return text.replace(/[-\s]/g, '').toUpperCase();
}
