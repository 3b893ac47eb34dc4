/**
 * Fetch an account's personal profile and prove it before use (docs/architecture.md sections 6 and
 * 7: nothing received is used before it is verified): Get it with its log record
 * and inclusion proof, check the checkpoint against this device's view of the service log
 * (signature under the pinned service key, consistency with the last checkpoint it verified), check
 * the record is in the log and holds that very profile, verify the signature chain up to the master
 * signing key, and - when the device already holds a version - that the new one may supersede it.
 */
import { verifyJws } from '../../../shared/crypto/jws';
import { isMeshError, MeshError } from '../../../shared/errors';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import {
  checkPersonalProfileUpdate,
  verifyPersonalProfileChain,
} from '../../../shared/profiles/personal-profile';
import type { SignedObject } from '../../../shared/profiles/signed-object';
import type { DataItem } from '../../../shared/protocol/messages/get';
import { udfMatches } from '../../../shared/udf';
import { parseAccountAddress, type AccountAddress } from '../protocol/account-address';
import { CheckpointVerifier } from '../protocol/checkpoint-verifier';
import { verifiedGet } from '../protocol/verified-log';
import type { DeviceContext } from '../session/device-context';

/** What the caller already knows about the profile it fetches. */
export interface FetchProfileOptions {
  readonly signal?: AbortSignal | undefined;
  /** The master profile UDF the account must still be bound to. */
  readonly expected?: string | undefined;
  /** The version this device holds: the fetched one must be it or may supersede it. */
  readonly previous?: VerifiedPersonalProfile | undefined;
}

/** A fetched, proven version and its TransactionID (what Publish's ExpectedVersion names). */
export interface FetchedPersonalProfile extends VerifiedPersonalProfile {
  readonly version: number;
}

/**
 * The current personal profile of the account at `address`, proven (module comment). Errors:
 * NOT_FOUND (no such account), LOG_INCONSISTENT / PROOF_INVALID (the log does not hold up),
 * SIGNATURE_INVALID / UNTRUSTED_PROFILE / INVALID_MESSAGE (the profile does not verify, belongs
 * to another master profile, or may not replace the version held).
 */
export async function fetchPersonalProfile(
  context: DeviceContext,
  address: string | AccountAddress,
  options: FetchProfileOptions = {},
): Promise<FetchedPersonalProfile> {
  const parsed = typeof address === 'string' ? parseAccountAddress(address) : address;
  const client = await context.serviceClient(parsed);
  const response = await verifiedGet(
    client,
    serviceLog(context, parsed),
    { Account: parsed.account },
    { signal: options.signal },
  );
  const item = response.DataItems.find((candidate) => candidate.Type === 'PersonalProfile');
  if (item?.Profile === undefined) {
    throw new MeshError(
      'SERVICE_ERROR',
      `the service answered no personal profile for ${parsed.text}`,
      { reason: 'malformed-response', field: 'DataItems' },
    );
  }
  if (item.InclusionProof === undefined) {
    throw new MeshError(
      'PROOF_INVALID',
      'the service sent the personal profile without its log record and inclusion proof',
      { field: 'InclusionProof' },
    );
  }
  checkRecordHolds(item, item.Profile);
  const verified = await verifyPersonalProfileChain(item.Profile, verifyJws);
  if (options.expected !== undefined && !udfMatches(verified.identifier, options.expected)) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      `${parsed.text} is bound to another master profile (${verified.identifier}) than the one this device knows (${options.expected})`,
      { field: 'Identifier' },
    );
  }
  const previous = options.previous;
  if (previous !== undefined && previous.signed.SignedData !== verified.signed.SignedData) {
    try {
      checkPersonalProfileUpdate(previous, verified);
    } catch (error) {
      if (!isMeshError(error)) throw error;
      throw new MeshError(
        'UNTRUSTED_PROFILE',
        `the service serves a personal profile that may not replace the one this device holds: ${error.message}`,
        { field: String(error.details.field ?? 'Profile') },
        { cause: error },
      );
    }
  }
  return { ...verified, version: item.TransactionID };
}

/**
 * This device's view of the log of the service of `address` (pinned service key, last verified
 * checkpoint), kept in the local store by electron/core/protocol/checkpoint-verifier.ts.
 */
export function serviceLog(context: DeviceContext, address: AccountAddress): CheckpointVerifier {
  return new CheckpointVerifier(
    context.store,
    address.text.slice(address.text.lastIndexOf('@') + 1),
  );
}

/** The log record of a Full item must be a profile publication holding exactly `profile`. */
function checkRecordHolds(item: DataItem, profile: SignedObject): void {
  let record: unknown;
  try {
    record = JSON.parse(item.Record ?? '');
  } catch {
    record = undefined;
  }
  const logged = (record as { Profile?: Partial<SignedObject> } | undefined)?.Profile;
  if (
    logged === undefined ||
    logged.Identifier !== profile.Identifier ||
    logged.SignedData !== profile.SignedData
  ) {
    throw new MeshError(
      'PROOF_INVALID',
      'the log record the service proved does not hold the personal profile it sent',
      { field: 'Record', identifier: item.Identifier },
    );
  }
}
