/**
 * Merkle tree hashing of RFC 9162 section 2.1.1: leaves and interior nodes are hashed with
 * distinct one-byte prefixes so a leaf can never be passed off as a node (second preimage).
 * Isomorphic: SHA-256 from @noble/hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MeshError } from '../errors';

/** Size in bytes of every hash in the log (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({d(0)}) = SHA-256(0x00 || entry): the hash of one log entry (RFC 9162 2.1.1). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + entry.length);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return sha256(input);
}

// One scratch buffer for the 65-byte node input: node hashing is the hot loop of tree building.
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX;

/** SHA-256(0x01 || left || right): the hash of an interior node (RFC 9162 2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    // Callers check sizes at their edges; this guards the fixed-size scratch buffer.
    throw new MeshError('INVALID_ARGUMENT', `node hash inputs must be ${HASH_SIZE} bytes`, {
      left: left.length,
      right: right.length,
    });
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256(nodeInput);
}

/** MTH({}) = SHA-256(""): the root of the empty tree (RFC 9162 2.1.1). A fresh copy each call. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** True when two hashes are byte-for-byte equal. Log hashes are public, so no constant time. */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** The largest power of two strictly smaller than n (n > 1): the split point k of RFC 9162 2.1.1. */
export function splitPoint(n: number): number {
  // Multiplication, not bit shifts: tree sizes may exceed 2^31.
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
