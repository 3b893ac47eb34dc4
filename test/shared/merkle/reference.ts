/**
 * A slow, obviously correct Merkle tree straight from the definitions of RFC 9162 section 2.1:
 * MTH (2.1.1), PATH (2.1.3.1) and PROOF/SUBPROOF (2.1.4.1), recursive over lists, hashing with
 * node:crypto. It exists only here, to cross-check shared/merkle/.
 */
import { createHash } from 'node:crypto';

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** SHA-256(0x00 || entry). */
export function referenceLeafHash(entry: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), entry);
}

/** SHA-256(0x01 || left || right). */
export function referenceNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), left, right);
}

/** The largest power of two smaller than n. */
function k(n: number): number {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
}

/** MTH(D[n]) over the entries D. */
export function mth(D: readonly Uint8Array[]): Uint8Array {
  const n = D.length;
  if (n === 0) return sha256();
  if (n === 1) return referenceLeafHash(D[0] as Uint8Array);
  return referenceNodeHash(mth(D.slice(0, k(n))), mth(D.slice(k(n), n)));
}

/** PATH(m, D[n]). */
export function path(m: number, D: readonly Uint8Array[]): Uint8Array[] {
  const n = D.length;
  if (n === 1 && m === 0) return [];
  if (m < k(n)) return [...path(m, D.slice(0, k(n))), mth(D.slice(k(n), n))];
  return [...path(m - k(n), D.slice(k(n), n)), mth(D.slice(0, k(n)))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function proof(m: number, D: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, D, true);
}

function subproof(m: number, D: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = D.length;
  if (m === n) return b ? [] : [mth(D)];
  if (m <= k(n)) return [...subproof(m, D.slice(0, k(n)), b), mth(D.slice(k(n), n))];
  return [...subproof(m - k(n), D.slice(k(n), n), false), mth(D.slice(0, k(n)))];
}

/** The entries used across the merkle tests: entry i is the UTF-8 text "entry i". */
export function entries(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new TextEncoder().encode(`entry ${i}`));
}

/** Lower-case hex, for readable assertions. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
