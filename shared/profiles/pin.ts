/**
 * The PIN of the PIN/QR connection flow (docs/architecture.md section 7;
 * draft-hallambaker-mesh-protocol-00 section 8.2). An administrator device makes a one-time PIN;
 * the new device proves it knows the PIN with an HMAC over the account, its client nonce and its
 * device UDF.
 *
 * Two keys are derived from the PIN so that the untrusted service can check a proof without being
 * able to forge the one the administrator checks:
 *   PinID        = base64url(HMAC-SHA-256(pin, "mesh/pin/id"))[first 16 bytes]  names the PIN
 *   service key  = HMAC-SHA-256(pin, "mesh/pin/service")   registered at the service (ConnectPin)
 *   admin key    = HMAC-SHA-256(pin, "mesh/pin/admin")     never leaves the administrator device
 *   proof(key)   = base64url(HMAC-SHA-256(key, "MMM-PIN-PROOF-1\n" account "\n" clientNonce "\n"
 * deviceUdf)) The ConnectionRequest carries PinID, PinProof (service key) and PinAdminProof (admin
 * key).
 * `pin` is the normalized PIN text (upper case, no dashes or spaces) in UTF-8.
 *
 * The PIN also binds the account's master profile, so that a lying service cannot enroll the
 * device into another account (docs/device-flows.md "Connect by PIN"): the administrator's
 * ConnectionResult carries
 *   PinProfileProof = base64url(HMAC-SHA-256(admin key, "MMM-PIN-PROFILE-1\n" account "\n"
 * clientNonce "\n" deviceUdf "\n" profileUdf))
 * over the UDF of its own master profile; the new device computes the same over the profile it
 * asked to join and refuses the answer when they differ. Only a holder of the PIN can make it; the
 * service holds the service key only.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlEncode } from '../encoding/base64url';
import { utf8Encode } from '../encoding/utf8';
import { MeshError } from '../errors';

/** Shortest PIN accepted, in characters after normalization. */
export const MIN_PIN_LENGTH = 4;

/** The keys derived from one PIN. */
export interface PinKeys {
  /** Names the PIN at the service (base64url, 16 bytes). */
  readonly pinId: string;
  /** Registered at the service with ConnectPin; checks PinProof. */
  readonly serviceKey: Uint8Array;
  /** Kept by the administrator device; checks PinAdminProof. */
  readonly adminKey: Uint8Array;
}

/** The fields a PIN proof binds (docs/architecture.md section 7). */
export interface PinProofClaims {
  /** The account's local part, lower case. */
  readonly account: string;
  /** The client nonce of the ConnectionRequest (a nonce UDF). */
  readonly clientNonce: string;
  /** The UDF of the requesting device's profile. */
  readonly deviceUdf: string;
}

/**
 * Upper case, dashes and white space removed; INVALID_ARGUMENT for a PIN too short or not A-Z0-9.
 */
export function normalizePin(pin: string): string {
  const normalized = pin.replace(/[-\s]/g, '').toUpperCase();
  if (normalized.length < MIN_PIN_LENGTH || !/^[A-Z0-9]+$/.test(normalized)) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `a PIN is at least ${MIN_PIN_LENGTH} letters and digits`,
      { field: 'PIN' },
    );
  }
  return normalized;
}

/** Derive PinID, the service key and the administrator key from a PIN (module comment). */
export function derivePinKeys(pin: string): PinKeys {
  const secret = utf8Encode(normalizePin(pin));
  const derive = (label: string): Uint8Array => hmac(sha256, secret, utf8Encode(label));
  const id = derive('mesh/pin/id');
  const keys = {
    pinId: base64urlEncode(id.subarray(0, 16)),
    serviceKey: derive('mesh/pin/service'),
    adminKey: derive('mesh/pin/admin'),
  };
  secret.fill(0);
  id.fill(0);
  return keys;
}

/** The bytes a PIN proof is an HMAC of. */
export function pinProofInput(claims: PinProofClaims): Uint8Array {
  for (const [name, value] of Object.entries(claims)) {
    if (value.includes('\n')) {
      throw new MeshError('INVALID_ARGUMENT', `PIN proof ${name} must not contain a newline`, {
        field: name,
      });
    }
  }
  return utf8Encode(
    `MMM-PIN-PROOF-1\n${claims.account}\n${claims.clientNonce}\n${claims.deviceUdf}`,
  );
}

/** The fields a PIN profile proof binds: a PIN proof's, and the master profile's UDF. */
export interface PinProfileClaims extends PinProofClaims {
  /** The UDF of the master profile (the personal profile's Identifier). */
  readonly profileUdf: string;
}

/** The bytes a PIN profile proof is an HMAC of (module comment). */
export function pinProfileProofInput(claims: PinProfileClaims): Uint8Array {
  if (claims.profileUdf.includes('\n')) {
    throw new MeshError('INVALID_ARGUMENT', 'PIN proof profileUdf must not contain a newline', {
      field: 'profileUdf',
    });
  }
  const { profileUdf, ...request } = claims;
  pinProofInput(request);
  return utf8Encode(
    `MMM-PIN-PROFILE-1\n${claims.account}\n${claims.clientNonce}\n${claims.deviceUdf}\n${profileUdf}`,
  );
}

/** base64url(HMAC-SHA-256(adminKey, pinProfileProofInput(claims))): PinProfileProof. */
export function computePinProfileProof(adminKey: Uint8Array, claims: PinProfileClaims): string {
  return base64urlEncode(hmac(sha256, adminKey, pinProfileProofInput(claims)));
}

/** base64url(SHA-256(proof)): how a new device keeps the PinProfileProof it expects. */
export function pinProfileDigest(proof: string): string {
  return base64urlEncode(sha256(utf8Encode(proof)));
}

/** base64url(HMAC-SHA-256(key, pinProofInput(claims))). */
export function computePinProof(key: Uint8Array, claims: PinProofClaims): string {
  return base64urlEncode(hmac(sha256, key, pinProofInput(claims)));
}

/** True when `proof` is the PIN proof of `claims` under `key`; compared in constant time. */
export function verifyPinProof(key: Uint8Array, claims: PinProofClaims, proof: string): boolean {
  const expected = computePinProof(key, claims);
  if (expected.length !== proof.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) {
    difference |= expected.charCodeAt(i) ^ proof.charCodeAt(i);
  }
  return difference === 0;
}
