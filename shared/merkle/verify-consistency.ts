/**
 * Consistency proof verification, RFC 9162 section 2.1.4.2, step by step as written, plus the
 * two edge cases the RFC leaves out (first = 0 and first = second), handled as
 * transparency-dev/merkle does: the proof must then be empty. Each way it can fail throws
 * MeshError('PROOF_INVALID') with a reason saying which check failed.
 */
import { checkCount, checkHash, proofInvalid } from './proof-error';
import { emptyRoot, hashesEqual, nodeHash } from './hashing';
import { consistencyProofLength } from './proof-length';

/** What a consistency proof claims: the tree `secondHash` extends the tree `firstHash`. */
export interface ConsistencyClaim {
  readonly firstSize: number;
  readonly firstHash: Uint8Array;
  readonly secondSize: number;
  readonly secondHash: Uint8Array;
  /** PROOF(firstSize, D[secondSize]) as RFC 9162 2.1.4.1 lists it. */
  readonly proof: readonly Uint8Array[];
}

const lsb = (value: number): boolean => value % 2 === 1;
const half = (value: number): number => Math.floor(value / 2);

/** True when value is 2^k for some k >= 0. */
function isPowerOfTwo(value: number): boolean {
  let v = value;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}

/**
 * Verify that the tree of `secondSize` leaves with root `secondHash` is an append-only extension
 * of the tree of `firstSize` leaves with root `firstHash` (RFC 9162 2.1.4.2). Throws
 * MeshError('PROOF_INVALID') with details.reason one of invalid-number, bad-hash-size,
 * size-order, proof-not-empty, empty-proof, proof-too-long, proof-too-short, first-root-mismatch,
 * second-root-mismatch, root-mismatch (equal sizes, different roots).
 */
export function verifyConsistency(claim: ConsistencyClaim): void {
  const { firstSize: first, firstHash, secondSize: second, secondHash, proof } = claim;
  checkCount('firstSize', first);
  checkCount('secondSize', second);
  checkHash('firstHash', firstHash);
  checkHash('secondHash', secondHash);
  proof.forEach((node, i) => checkHash(`proof[${i}]`, node));

  if (first > second) {
    throw proofInvalid('size-order', `first tree size ${first} is larger than second ${second}`, {
      firstSize: first,
      secondSize: second,
    });
  }
  if (first === 0 || first === second) {
    if (proof.length !== 0) {
      throw proofInvalid(
        'proof-not-empty',
        `a consistency proof from ${first} to ${second} leaves must be empty`,
        { firstSize: first, secondSize: second, actual: proof.length },
      );
    }
    if (first === 0 && !hashesEqual(firstHash, emptyRoot())) {
      throw proofInvalid('first-root-mismatch', 'the first root is not the empty tree root', {
        firstSize: first,
        secondSize: second,
      });
    }
    if (first === second && !hashesEqual(firstHash, secondHash)) {
      throw proofInvalid('root-mismatch', `two trees of ${first} leaves have different roots`, {
        firstSize: first,
        secondSize: second,
      });
    }
    return;
  }

  // Step 1.
  if (proof.length === 0) {
    throw proofInvalid('empty-proof', `the consistency proof from ${first} to ${second} is empty`, {
      firstSize: first,
      secondSize: second,
      expected: consistencyProofLength(first, second),
      actual: 0,
    });
  }
  // Step 2.
  const path = isPowerOfTwo(first) ? [firstHash, ...proof] : proof;
  // Step 3.
  let fn = first - 1;
  let sn = second - 1;
  // Step 4.
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5 (path is non-empty: step 1 and step 2 guarantee it).
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) throw lengthMismatch('proof-too-long', claim);
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // "If LSB(fn) is not set, right-shift both until either LSB(fn) is set or fn is 0."
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) throw lengthMismatch('proof-too-short', claim);
  if (!hashesEqual(fr, firstHash)) {
    throw proofInvalid(
      'first-root-mismatch',
      `the consistency proof does not lead to the root of the first tree (${first} leaves)`,
      { firstSize: first, secondSize: second },
    );
  }
  if (!hashesEqual(sr, secondHash)) {
    throw proofInvalid(
      'second-root-mismatch',
      `the consistency proof does not lead to the root of the second tree (${second} leaves)`,
      { firstSize: first, secondSize: second },
    );
  }
}

function lengthMismatch(reason: 'proof-too-long' | 'proof-too-short', claim: ConsistencyClaim) {
  const { firstSize, secondSize, proof } = claim;
  const expected = consistencyProofLength(firstSize, secondSize);
  return proofInvalid(
    reason,
    `a consistency proof from ${firstSize} to ${secondSize} leaves has ${expected} nodes, this one has ${proof.length}`,
    { firstSize, secondSize, expected, actual: proof.length },
  );
}
