import { describe, expect, it } from 'vitest';
import { MeshError } from '../../../shared/errors';
import { leafHash } from '../../../shared/merkle/hashing';
import { proofFailureReason } from '../../../shared/merkle/proof-error';
import { MerkleTree } from '../../../shared/merkle/tree';
import type { ConsistencyClaim } from '../../../shared/merkle/verify-consistency';
import { verifyConsistency } from '../../../shared/merkle/verify-consistency';
import type { InclusionClaim } from '../../../shared/merkle/verify-inclusion';
import { verifyInclusion } from '../../../shared/merkle/verify-inclusion';
import type { FixtureContext } from './proof-fixtures';
import {
  CONSISTENCY_BASE,
  consistencyFixtures,
  flipBit,
  INCLUSION_BASE,
  inclusionFixtures,
} from './proof-fixtures';
import { entries } from './reference';

const D = entries(14);
const tree = MerkleTree.fromLeafHashes(D.map(leafHash));
const forks = new Map<number, MerkleTree>();
function forkOf(rewritten: number): MerkleTree {
  let fork = forks.get(rewritten);
  if (!fork) {
    const changed = D.map((entry, i) => (i === rewritten ? Uint8Array.of(...entry, 0x21) : entry));
    fork = MerkleTree.fromLeafHashes(changed.map(leafHash));
    forks.set(rewritten, fork);
  }
  return fork;
}

const context: FixtureContext = {
  root: (size) => tree.root(size),
  leafHash: (index) => tree.leafHash(index),
  inclusionProof: (index, size) => tree.inclusionProof(index, size),
  consistencyProof: (first, second) => tree.consistencyProof(first, second),
  strangerLeafHash: leafHash(new TextEncoder().encode('not in the log')),
  fork: (rewritten) => {
    const fork = forkOf(rewritten);
    return {
      root: (size) => fork.root(size),
      consistencyProof: (first, second) => fork.consistencyProof(first, second),
    };
  },
};

const validInclusion: InclusionClaim = {
  leafHash: tree.leafHash(INCLUSION_BASE.index),
  index: INCLUSION_BASE.index,
  treeSize: INCLUSION_BASE.treeSize,
  proof: tree.inclusionProof(INCLUSION_BASE.index, INCLUSION_BASE.treeSize),
  rootHash: tree.root(INCLUSION_BASE.treeSize),
};

const validConsistency: ConsistencyClaim = {
  firstSize: CONSISTENCY_BASE.firstSize,
  firstHash: tree.root(CONSISTENCY_BASE.firstSize),
  secondSize: CONSISTENCY_BASE.secondSize,
  secondHash: tree.root(CONSISTENCY_BASE.secondSize),
  proof: tree.consistencyProof(CONSISTENCY_BASE.firstSize, CONSISTENCY_BASE.secondSize),
};

function failure(verify: () => void): MeshError {
  try {
    verify();
  } catch (error) {
    if (error instanceof MeshError) return error;
    throw error;
  }
  throw new Error('the proof verified, but it must not');
}

describe('verifyInclusion (RFC 9162 2.1.3.2)', () => {
  it('accepts the valid claim every fixture starts from', () => {
    expect(validInclusion.proof).toHaveLength(4);
    expect(() => verifyInclusion(validInclusion)).not.toThrow();
  });

  it('accepts the empty proof of a one-leaf tree', () => {
    expect(() =>
      verifyInclusion({
        leafHash: tree.leafHash(0),
        index: 0,
        treeSize: 1,
        proof: [],
        rootHash: tree.root(1),
      }),
    ).not.toThrow();
  });

  it.each(inclusionFixtures)('refuses $description: $reason', ({ mutate, reason }) => {
    const error = failure(() => verifyInclusion(mutate(validInclusion, context)));
    expect(error.code).toBe('PROOF_INVALID');
    expect(proofFailureReason(error)).toBe(reason);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('says the expected and actual proof lengths when the length is wrong', () => {
    const error = failure(() =>
      verifyInclusion({ ...validInclusion, proof: validInclusion.proof.slice(0, 2) }),
    );
    expect(error.details).toMatchObject({ reason: 'proof-too-short', expected: 4, actual: 2 });
  });
});

describe('verifyConsistency (RFC 9162 2.1.4.2)', () => {
  it('accepts the valid claim every fixture starts from', () => {
    expect(validConsistency.proof).toHaveLength(4);
    expect(() => verifyConsistency(validConsistency)).not.toThrow();
  });

  it('accepts equal sizes with equal roots, and the empty first tree, with empty proofs', () => {
    const root = tree.root(13);
    const empty = tree.root(0);
    expect(() =>
      verifyConsistency({
        firstSize: 13,
        firstHash: root,
        secondSize: 13,
        secondHash: root,
        proof: [],
      }),
    ).not.toThrow();
    expect(() =>
      verifyConsistency({
        firstSize: 0,
        firstHash: empty,
        secondSize: 13,
        secondHash: root,
        proof: [],
      }),
    ).not.toThrow();
  });

  it('accepts a log that differs only after the first tree: those entries were never promised', () => {
    const other = context.fork(10);
    expect(() =>
      verifyConsistency({
        ...validConsistency,
        secondHash: other.root(13),
        proof: other.consistencyProof(6, 13),
      }),
    ).not.toThrow();
  });

  it.each(consistencyFixtures)('refuses $description: $reason', ({ mutate, reason }) => {
    const error = failure(() => verifyConsistency(mutate(validConsistency, context)));
    expect(error.code).toBe('PROOF_INVALID');
    expect(proofFailureReason(error)).toBe(reason);
    expect(error.message.length).toBeGreaterThan(10);
  });
});

describe('every single corrupted node is caught', () => {
  // Exhaustive over small trees: flip one bit of one proof node, for every proof of every size.
  const big = MerkleTree.fromLeafHashes(entries(40).map(leafHash));
  const flip = (proof: readonly Uint8Array[], i: number) =>
    proof.map((node, j) => (j === i ? flipBit(node, 0, 7) : node));

  it('in inclusion proofs of sizes 1..40', () => {
    for (let n = 1; n <= 40; n++) {
      for (let m = 0; m < n; m++) {
        const claim = {
          leafHash: big.leafHash(m),
          index: m,
          treeSize: n,
          proof: big.inclusionProof(m, n),
          rootHash: big.root(n),
        };
        claim.proof.forEach((_, i) => {
          const error = failure(() => verifyInclusion({ ...claim, proof: flip(claim.proof, i) }));
          expect(proofFailureReason(error)).toBe('root-mismatch');
        });
      }
    }
  });

  it('in consistency proofs of sizes 1..40', () => {
    for (let n = 2; n <= 40; n++) {
      for (let m = 1; m < n; m++) {
        const claim = {
          firstSize: m,
          firstHash: big.root(m),
          secondSize: n,
          secondHash: big.root(n),
          proof: big.consistencyProof(m, n),
        };
        claim.proof.forEach((_, i) => {
          const error = failure(() => verifyConsistency({ ...claim, proof: flip(claim.proof, i) }));
          expect(['first-root-mismatch', 'second-root-mismatch']).toContain(
            proofFailureReason(error),
          );
        });
      }
    }
  });
});

describe('fixture sanity', () => {
  it('has one fixture per description', () => {
    for (const fixtures of [inclusionFixtures, consistencyFixtures]) {
      const names = fixtures.map((fixture) => fixture.description);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('covers every failure reason the verifiers can give, except different-log', () => {
    const covered = new Set(
      [...inclusionFixtures, ...consistencyFixtures].map((fixture) => fixture.reason),
    );
    expect([...covered].sort()).toEqual(
      [
        'bad-hash-size',
        'empty-proof',
        'first-root-mismatch',
        'index-out-of-range',
        'invalid-number',
        'proof-not-empty',
        'proof-too-long',
        'proof-too-short',
        'root-mismatch',
        'second-root-mismatch',
        'size-order',
      ].sort(),
    );
  });
});
