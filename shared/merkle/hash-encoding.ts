/**
 * Log hashes on the wire: base64url without padding (RFC 4648 section 5), exactly 43 characters
 * for 32 bytes, in canonical form only, so one hash has one spelling.
 */
import { base64urlDecode, base64urlEncode } from '../encoding/base64url';
import { MeshError } from '../errors';
import { HASH_SIZE } from './hashing';

const hashPattern = /^[A-Za-z0-9_-]{43}$/;

/** The wire form of one log hash. */
export function encodeHash(hash: Uint8Array): string {
  if (hash.length !== HASH_SIZE) {
    throw new MeshError('INVALID_ARGUMENT', `a log hash is ${HASH_SIZE} bytes`, {
      actual: hash.length,
    });
  }
  return base64urlEncode(hash);
}

/** Decode one log hash; MeshError('INVALID_MESSAGE') naming `field` if it is not canonical. */
export function decodeHash(text: string, field = 'hash'): Uint8Array {
  if (!isEncodedHash(text)) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `${field} must be base64url of ${HASH_SIZE} bytes (43 characters, canonical)`,
      { field },
    );
  }
  return base64urlDecode(text);
}

/** True when `text` is the canonical wire form of a log hash. */
export function isEncodedHash(text: string): boolean {
  if (!hashPattern.test(text)) return false;
  try {
    // The decoder refuses non-zero trailing bits, so a hash has exactly one spelling.
    return base64urlDecode(text).length === HASH_SIZE;
  } catch {
    return false;
  }
}

/** The wire form of a proof: its hashes in order. */
export function encodeProof(proof: readonly Uint8Array[]): string[] {
  return proof.map((node) => encodeHash(node));
}

/** Decode a proof from the wire; the error names the first bad element, e.g. `Proof[3]`. */
export function decodeProof(texts: readonly string[], field = 'Proof'): Uint8Array[] {
  return texts.map((text, i) => decodeHash(text, `${field}[${i}]`));
}
