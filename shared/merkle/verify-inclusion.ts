/**
 * Inclusion proof verification, RFC 9162 section 2.1.3.2, step by step as written. Each way it
 * can fail throws MeshError('PROOF_INVALID') with a reason saying which check failed.
 */
import { checkCount, checkHash, proofInvalid } from './proof-error';
import { hashesEqual, nodeHash } from './hashing';
import { inclusionProofLength } from './proof-length';

/** What an inclusion proof claims: the leaf with this hash is at `index` in the tree `rootHash`. */
export interface InclusionClaim {
  /** The leaf hash, SHA-256(0x00 || entry): see leafHash(). */
  readonly leafHash: Uint8Array;
  readonly index: number;
  readonly treeSize: number;
  /** The inclusion path, bottom-up, as PATH(index, D[treeSize]) lists it. */
  readonly proof: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

// LSB and right shift by arithmetic: JavaScript bit operators truncate to 32 bits.
const lsb = (value: number): boolean => value % 2 === 1;
const half = (value: number): number => Math.floor(value / 2);

/**
 * Verify an inclusion proof (RFC 9162 2.1.3.2). Returns normally when `leafHash` is proven to be
 * leaf `index` of the tree of `treeSize` leaves whose root is `rootHash`; otherwise throws
 * MeshError('PROOF_INVALID') with details.reason one of invalid-number, bad-hash-size,
 * index-out-of-range, proof-too-long, proof-too-short, root-mismatch.
 */
export function verifyInclusion(claim: InclusionClaim): void {
  const { leafHash, index, treeSize, proof, rootHash } = claim;
  checkCount('index', index);
  checkCount('treeSize', treeSize);
  checkHash('leafHash', leafHash);
  checkHash('rootHash', rootHash);
  proof.forEach((node, i) => checkHash(`proof[${i}]`, node));

  // Step 1.
  if (index >= treeSize) {
    throw proofInvalid(
      'index-out-of-range',
      `leaf index ${index} is not below tree size ${treeSize}`,
      {
        index,
        treeSize,
      },
    );
  }
  // Steps 2 and 3.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  // Step 4.
  for (const p of proof) {
    // 4a.
    if (sn === 0) throw lengthMismatch('proof-too-long', claim);
    // 4b.
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      // "If LSB(fn) is not set, right-shift both until either LSB(fn) is set or fn is 0."
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    // 4c.
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  if (sn !== 0) throw lengthMismatch('proof-too-short', claim);
  if (!hashesEqual(r, rootHash)) {
    throw proofInvalid(
      'root-mismatch',
      `the inclusion proof for leaf ${index} does not lead to the root of the tree of ${treeSize}`,
      { index, treeSize },
    );
  }
}

function lengthMismatch(
  reason: 'proof-too-long' | 'proof-too-short',
  { index, treeSize, proof }: InclusionClaim,
) {
  const expected = inclusionProofLength(index, treeSize);
  return proofInvalid(
    reason,
    `an inclusion proof for leaf ${index} of a tree of ${treeSize} has ${expected} nodes, this one has ${proof.length}`,
    { index, treeSize, expected, actual: proof.length },
  );
}
