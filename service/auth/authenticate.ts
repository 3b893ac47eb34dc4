/**
 * Request authentication on the service side (docs/module-contracts.md section 3;
 * docs/architecture.md section 5): the
 * `Authorization: Mesh` header is parsed, its account must be the message's, its time within the
 * window, its device known (the caller supplies the key), its signature valid over the exact body,
 * and its nonce unseen for that device. Every failure is MeshError UNAUTHORIZED (401) saying which.
 */
import { createHash } from 'node:crypto';
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import { isMeshError, MeshError } from '../../shared/errors';
import type { AuthorizationFields } from '../../shared/protocol/authentication';
import {
  authenticationInputForDigest,
  decodeAuthenticationSignature,
  parseAuthenticationTime,
  parseAuthorization,
} from '../../shared/protocol/authentication';
import { canonicalAccountName } from '../../shared/protocol/account-name';
import { canonicalIdentifier } from '../identifiers';
import { verifyEd25519 } from '../crypto/jws-verifier';
import type { StorageBackend } from '../storage/backend';

/** Who an authenticated request is from. */
export interface Authentication {
  /** The account (lower case). */
  readonly account: string;
  /** Canonical UDF of the device profile. */
  readonly device: string;
  readonly nonce: string;
  /** When the nonce may be forgotten. */
  readonly nonceExpires: number;
}

function unauthorized(message: string, field = 'Authorization'): MeshError {
  return new MeshError('UNAUTHORIZED', message, { field });
}

/** Parse the header; UNAUTHORIZED with the parser's reason when it is missing or malformed. */
export function readAuthorization(header: string | undefined): AuthorizationFields {
  if (header === undefined || header.length === 0) {
    throw unauthorized('this request needs an Authorization: Mesh header');
  }
  try {
    return parseAuthorization(header);
  } catch (error) {
    throw unauthorized(
      `Authorization: ${isMeshError(error) ? error.message : 'malformed'}`,
      isMeshError(error) && typeof error.details.field === 'string'
        ? error.details.field
        : 'Authorization',
    );
  }
}

/** What authenticate() needs besides the header. */
export interface AuthenticationCheck {
  readonly backend: StorageBackend;
  readonly now: number;
  readonly windowMs: number;
  /** The account the message names (any case). */
  readonly account: string;
  readonly body: Uint8Array;
  /**
   * The DeviceAuthenticationKey of a device (canonical UDF), or undefined when the device may not
   * act for the account.
   */
  readonly keyOf: (device: string) => Promise<PublicKeyJwk | undefined>;
}

/** Authenticate a request (docs/module-contracts.md section 3). */
export async function authenticate(
  fields: AuthorizationFields,
  check: AuthenticationCheck,
): Promise<Authentication> {
  const account = canonicalAccountName(check.account);
  if (canonicalAccountName(fields.account) !== account) {
    throw unauthorized('Authorization account is not the account the message names', 'account');
  }
  const time = parseAuthenticationTime(fields.time);
  if (Math.abs(time - check.now) > check.windowMs) {
    throw unauthorized(
      `Authorization time is more than ${check.windowMs / 1000} s from the service clock`,
      'time',
    );
  }
  let device: string;
  try {
    device = canonicalIdentifier(fields.device, 'device');
  } catch {
    throw unauthorized('Authorization device is not a device UDF', 'device');
  }
  const key = await check.keyOf(device);
  if (key === undefined) {
    throw unauthorized('the device is not a device of this account', 'device');
  }
  const digest = createHash('sha256').update(check.body).digest('base64url');
  const input = authenticationInputForDigest(fields, digest);
  if (!(await verifyEd25519(input, decodeAuthenticationSignature(fields.signature), key))) {
    throw unauthorized('Authorization signature does not verify', 'signature');
  }
  // Kept one millisecond past the last instant the time check still accepts this request, so a
  // replay at exactly the edge of the window finds it.
  const nonceExpires = time + check.windowMs + 1;
  if (!(await check.backend.claimNonce(device, fields.nonce, nonceExpires, check.now))) {
    throw unauthorized('Authorization nonce was used already (replay)', 'nonce');
  }
  return { account, device, nonce: fields.nonce, nonceExpires };
}
