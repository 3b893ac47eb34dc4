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

/** Most hashes in a proof given as one text (a tree of 2^128 leaves needs fewer). */
export const MAX_PROOF_HASHES = 128;

/**
 * A proof as one text: base64url without padding of its hashes concatenated, 32 bytes each (a
 * Status answer's consistency proof: 3 bytes fewer per hash than a JSON array of hashes).
 */
export function encodeProofText(proof: readonly Uint8Array[]): string {
  const bytes = new Uint8Array(proof.length * HASH_SIZE);
  proof.forEach((node, i) => bytes.set(base64urlDecode(encodeHash(node)), i * HASH_SIZE));
  return base64urlEncode(bytes);
}

/**
 * Decode a proof given as one text (encodeProofText); MeshError('INVALID_MESSAGE') naming
 * `field` unless it is canonical base64url of whole hashes, at most MAX_PROOF_HASHES.
 */
export function decodeProofText(text: string, field = 'Proof'): Uint8Array[] {
  const bad = (): MeshError =>
    new MeshError(
      'INVALID_MESSAGE',
      `${field} must be base64url of ${HASH_SIZE}-byte hashes, concatenated (canonical)`,
      { field },
    );
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw bad();
  let bytes: Uint8Array;
  try {
    bytes = base64urlDecode(text);
  } catch {
    throw bad();
  }
  if (bytes.length % HASH_SIZE !== 0 || bytes.length / HASH_SIZE > MAX_PROOF_HASHES) throw bad();
  if (base64urlEncode(bytes) !== text) throw bad();
  const proof: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += HASH_SIZE) {
    proof.push(bytes.slice(offset, offset + HASH_SIZE));
  }
  return proof;
}

/** Decode a proof from the wire; the error names the first bad element, e.g. `Proof[3]`. */
export function decodeProof(texts: readonly string[], field = 'Proof'): Uint8Array[] {
  return texts.map((text, i) => decodeHash(text, `${field}[${i}]`));
}
