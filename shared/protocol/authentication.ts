/**
 * Request authentication (docs/module-contracts.md section 3; docs/architecture.md section 5): the
 * `Authorization: Mesh` header a device puts on every request that acts for an account, and the
 * exact bytes its DeviceAuthenticationKey signs. Isomorphic: the service verifies with these, the
 * device core signs with them.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode as base64urlDecode, encode as base64urlEncode } from 'jose/base64url';
import { MeshError } from '../errors';

/** The authentication scheme name in the Authorization header. */
export const AUTHENTICATION_SCHEME = 'Mesh';
/** Domain separator that starts the signed input, so the signature cannot be replayed elsewhere. */
export const AUTHENTICATION_LABEL = 'MMM-AUTH-1';
/** How far the request time may be from the service's clock (either way), in milliseconds. */
export const AUTHENTICATION_WINDOW_MS = 300_000;
/** An Authorization header longer than this is refused before it is parsed. */
export const MAX_AUTHORIZATION_LENGTH = 2048;
/** Length of a base64url raw Ed25519 signature (64 bytes). */
const SIGNATURE_LENGTH = 86;

/** The five parameters of the `Authorization: Mesh ...` header, in their wire form. */
export interface AuthorizationFields {
  /**
   * The account's local part, as the account field of the messages (docs/module-contracts.md
   * section 4).
   */
  readonly account: string;
  /** UDF of the signing device's device profile. */
  readonly device: string;
  /** RFC 3339 UTC time with milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
  readonly time: string;
  /** A nonce-type UDF, fresh per request. */
  readonly nonce: string;
  /** base64url (no padding) of the raw 64-byte Ed25519 signature over authenticationInput(). */
  readonly signature: string;
}

/** The signed parameters: everything but the signature. */
export type AuthenticationClaims = Omit<AuthorizationFields, 'signature'>;

const parameterNames = ['account', 'device', 'time', 'nonce', 'signature'] as const;
const timePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
/** Values are quoted strings of visible ASCII without quote or backslash (no escapes). */
const valuePattern = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const udfLikePattern = /^[A-Za-z2-7-]+$/;
const base64urlPattern = /^[A-Za-z0-9_-]+$/;

/**
 * base64url(SHA-256(body)): the body commitment inside the signed input (docs/module-contracts.md
 * section 3).
 */
export function bodyDigest(body: Uint8Array): string {
  return base64urlEncode(sha256(body));
}

/**
 * The exact bytes a device signs for one request (docs/module-contracts.md section 3): UTF-8 of
 * "MMM-AUTH-1\n" + account + "\n" + device + "\n" + time + "\n" + nonce + "\n" +
 * base64url(SHA-256(body)).
 */
export function authenticationInput(claims: AuthenticationClaims, body: Uint8Array): Uint8Array {
  return authenticationInputForDigest(claims, bodyDigest(body));
}

/**
 * authenticationInput() with the body digest already computed (base64url of SHA-256 of the body),
 * for a caller that hashes large bodies with a faster native SHA-256.
 */
export function authenticationInputForDigest(
  claims: AuthenticationClaims,
  digest: string,
): Uint8Array {
  for (const name of ['account', 'device', 'time', 'nonce'] as const) {
    if (claims[name].includes('\n')) {
      throw new MeshError('INVALID_ARGUMENT', `authentication ${name} must not contain a newline`, {
        field: name,
      });
    }
  }
  const text = [
    AUTHENTICATION_LABEL,
    claims.account,
    claims.device,
    claims.time,
    claims.nonce,
    digest,
  ].join('\n');
  return new TextEncoder().encode(text);
}

/** The request time in the header's form: RFC 3339 UTC with milliseconds. */
export function formatAuthenticationTime(date: Date): string {
  return date.toISOString();
}

/**
 * Milliseconds since the epoch of an authentication time; MeshError INVALID_MESSAGE if malformed.
 */
export function parseAuthenticationTime(time: string): number {
  const match = timePattern.exec(time);
  const millis = match ? Date.parse(time) : Number.NaN;
  // Date.parse rolls over impossible dates (Feb 30): require the round trip to be exact.
  if (!match || Number.isNaN(millis) || new Date(millis).toISOString() !== time) {
    throw new MeshError(
      'INVALID_MESSAGE',
      'Authorization time must be RFC 3339 UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.mmmZ)',
      { field: 'time' },
    );
  }
  return millis;
}

/**
 * True when `time` lies within ±AUTHENTICATION_WINDOW_MS of `now` (docs/module-contracts.md section
 * 3).
 */
export function isWithinAuthenticationWindow(
  time: string,
  now: number,
  windowMs = AUTHENTICATION_WINDOW_MS,
): boolean {
  return Math.abs(parseAuthenticationTime(time) - now) <= windowMs;
}

/** Decode the header's signature parameter into the raw 64-byte Ed25519 signature. */
export function decodeAuthenticationSignature(signature: string): Uint8Array {
  if (signature.length !== SIGNATURE_LENGTH || !base64urlPattern.test(signature)) {
    throw new MeshError(
      'INVALID_MESSAGE',
      'Authorization signature must be base64url of 64 bytes',
      {
        field: 'signature',
      },
    );
  }
  const bytes = base64urlDecode(signature);
  if (bytes.length !== 64) {
    throw new MeshError(
      'INVALID_MESSAGE',
      'Authorization signature must be base64url of 64 bytes',
      {
        field: 'signature',
      },
    );
  }
  return bytes;
}

/** Encode a raw Ed25519 signature for the header's signature parameter. */
export function encodeAuthenticationSignature(signature: Uint8Array): string {
  if (signature.length !== 64) {
    throw new MeshError('INVALID_ARGUMENT', 'an Ed25519 signature is 64 bytes', {
      length: signature.length,
    });
  }
  return base64urlEncode(signature);
}

/** The Authorization header value for the given fields (docs/module-contracts.md section 3). */
export function formatAuthorization(fields: AuthorizationFields): string {
  checkFields(fields);
  return (
    `${AUTHENTICATION_SCHEME} ` +
    parameterNames.map((name) => `${name}="${fields[name]}"`).join(', ')
  );
}

/**
 * Parse an `Authorization: Mesh ...` header (docs/module-contracts.md section 3). Strict: the
 * scheme (case- insensitive), the five parameters exactly once each in any order, quoted values
 * without escapes, a well-formed time and signature. Throws MeshError INVALID_MESSAGE naming what
 * is wrong; it does not check the time window or the signature.
 */
export function parseAuthorization(header: string): AuthorizationFields {
  if (header.length > MAX_AUTHORIZATION_LENGTH) {
    throw new MeshError('INVALID_MESSAGE', 'Authorization header is too long', {
      field: 'Authorization',
    });
  }
  const schemeMatch = /^([A-Za-z0-9-]+)[ \t]+(.*)$/s.exec(header.trim());
  if (!schemeMatch || schemeMatch[1]?.toLowerCase() !== AUTHENTICATION_SCHEME.toLowerCase()) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `Authorization scheme must be ${AUTHENTICATION_SCHEME}`,
      {
        field: 'Authorization',
      },
    );
  }
  const found = new Map<string, string>();
  let rest = schemeMatch[2] ?? '';
  const parameter = /^[ \t]*([A-Za-z]+)[ \t]*=[ \t]*"([^"]*)"[ \t]*(,|$)/;
  while (rest.length > 0) {
    const match = parameter.exec(rest);
    if (!match) {
      throw new MeshError(
        'INVALID_MESSAGE',
        'Authorization parameters must be name="value" pairs',
        {
          field: 'Authorization',
        },
      );
    }
    const name = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (!(parameterNames as readonly string[]).includes(name)) {
      throw new MeshError('INVALID_MESSAGE', `Authorization has an unknown parameter "${name}"`, {
        field: name,
      });
    }
    if (found.has(name)) {
      throw new MeshError('INVALID_MESSAGE', `Authorization repeats the parameter "${name}"`, {
        field: name,
      });
    }
    found.set(name, value);
    rest = rest.slice(match[0].length);
    if (match[3] === ',' && rest.trim().length === 0) {
      throw new MeshError('INVALID_MESSAGE', 'Authorization ends with a comma', {
        field: 'Authorization',
      });
    }
  }
  const fields: Record<(typeof parameterNames)[number], string> = {
    account: '',
    device: '',
    time: '',
    nonce: '',
    signature: '',
  };
  for (const name of parameterNames) {
    const value = found.get(name);
    if (value === undefined) {
      throw new MeshError('INVALID_MESSAGE', `Authorization lacks the parameter "${name}"`, {
        field: name,
      });
    }
    fields[name] = value;
  }
  checkFields(fields);
  return fields;
}

function checkFields(fields: AuthorizationFields): void {
  for (const name of parameterNames) {
    if (!valuePattern.test(fields[name])) {
      throw new MeshError(
        'INVALID_MESSAGE',
        `Authorization ${name} must be non-empty visible ASCII without quotes or backslashes`,
        { field: name },
      );
    }
  }
  for (const name of ['device', 'nonce'] as const) {
    if (!udfLikePattern.test(fields[name])) {
      throw new MeshError('INVALID_MESSAGE', `Authorization ${name} must be a UDF`, {
        field: name,
      });
    }
  }
  parseAuthenticationTime(fields.time);
  decodeAuthenticationSignature(fields.signature);
}
