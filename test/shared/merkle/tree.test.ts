import { describe, expect, it } from 'vitest';
import { isMeshError } from '../../../shared/errors';
import { leafHash } from '../../../shared/merkle/hashing';
import { consistencyProofLength, inclusionProofLength } from '../../../shared/merkle/proof-length';
import { MerkleTree } from '../../../shared/merkle/tree';
import { verifyConsistency } from '../../../shared/merkle/verify-consistency';
import { verifyInclusion } from '../../../shared/merkle/verify-inclusion';
import { entries, hex, mth, path, proof, referenceLeafHash } from './reference';

const MAX_SIZE = 130;
const D = entries(MAX_SIZE);
const hexes = (list: readonly Uint8Array[]) => list.map(hex);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('MerkleTree against the RFC 9162 reference, every size 1..130', () => {
  // One tree of 130 leaves answers for every past size: that is what checkpoints need.
  const tree = MerkleTree.empty();
  for (const entry of D) tree.appendEntry(entry);
  const roots = Array.from({ length: MAX_SIZE + 1 }, (_, n) => mth(D.slice(0, n)));

  it('hashes leaves as the reference does', () => {
    D.forEach((entry, i) => expect(hex(tree.leafHash(i))).toBe(hex(referenceLeafHash(entry))));
  });

  it('gives MTH(D[0:n]) for every past size n, 0..130', () => {
    for (let n = 0; n <= MAX_SIZE; n++) {
      expect(hex(tree.root(n)), `root(${n})`).toBe(hex(roots[n] as Uint8Array));
    }
  });

  it('gives PATH(m, D[n]) for every n and every m < n, and each verifies', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      const prefix = D.slice(0, n);
      for (let m = 0; m < n; m++) {
        const fast = tree.inclusionProof(m, n);
        expect(hexes(fast), `PATH(${m}, D[${n}])`).toEqual(hexes(path(m, prefix)));
        expect(fast.length).toBe(inclusionProofLength(m, n));
        verifyInclusion({
          leafHash: tree.leafHash(m),
          index: m,
          treeSize: n,
          proof: fast,
          rootHash: roots[n] as Uint8Array,
        });
      }
    }
  });

  it('gives PROOF(m, D[n]) for every n and every m <= n, and each verifies', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      const prefix = D.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const fast = tree.consistencyProof(m, n);
        expect(hexes(fast), `PROOF(${m}, D[${n}])`).toEqual(hexes(proof(m, prefix)));
        expect(fast.length).toBe(consistencyProofLength(m, n));
        verifyConsistency({
          firstSize: m,
          firstHash: roots[m] as Uint8Array,
          secondSize: n,
          secondHash: roots[n] as Uint8Array,
          proof: fast,
        });
      }
      expect(tree.consistencyProof(0, n)).toEqual([]);
    }
  });

  it('is the same tree whether built by appending or from stored leaf hashes', () => {
    const rebuilt = MerkleTree.fromLeafHashes(D.map(leafHash));
    expect(rebuilt.size).toBe(MAX_SIZE);
    expect(hex(rebuilt.root())).toBe(hex(tree.root()));
    expect(hexes(rebuilt.inclusionProof(77, 100))).toEqual(hexes(tree.inclusionProof(77, 100)));
    const fromIterator = MerkleTree.fromLeafHashes(D.map(leafHash).values());
    expect(hex(fromIterator.root(99))).toBe(hex(tree.root(99)));
  });
});

describe('MerkleTree growth', () => {
  it('keeps old proofs valid while it grows past its initial capacity', () => {
    const tree = MerkleTree.empty();
    const early: { size: number; root: Uint8Array }[] = [];
    for (let i = 0; i < 5000; i++) {
      expect(tree.appendEntry(new TextEncoder().encode(`grow ${i}`))).toBe(i);
      if (i % 997 === 0) early.push({ size: tree.size, root: tree.root() });
    }
    for (const { size, root } of early) {
      expect(hex(tree.root(size))).toBe(hex(root));
      verifyConsistency({
        firstSize: size,
        firstHash: root,
        secondSize: tree.size,
        secondHash: tree.root(),
        proof: tree.consistencyProof(size),
      });
    }
  });

  it('hands out copies, so callers cannot corrupt the tree', () => {
    const tree = MerkleTree.fromLeafHashes(entries(5).map(leafHash));
    const root = hex(tree.root());
    tree.inclusionProof(0).forEach((node) => node.fill(0));
    tree.consistencyProof(3).forEach((node) => node.fill(0));
    tree.leafHash(4).fill(0);
    tree.root().fill(0);
    expect(hex(tree.root())).toBe(root);
  });
});

describe('MerkleTree argument checks', () => {
  const tree = MerkleTree.fromLeafHashes(entries(10).map(leafHash));
  const cases: { description: string; run: () => unknown }[] = [
    { description: 'root of a size beyond the tree', run: () => tree.root(11) },
    { description: 'root of a negative size', run: () => tree.root(-1) },
    { description: 'root of a fractional size', run: () => tree.root(2.5) },
    { description: 'inclusion of index = size', run: () => tree.inclusionProof(4, 4) },
    { description: 'inclusion in a size beyond the tree', run: () => tree.inclusionProof(0, 11) },
    { description: 'inclusion in the empty tree', run: () => tree.inclusionProof(0, 0) },
    { description: 'consistency with first > second', run: () => tree.consistencyProof(6, 5) },
    { description: 'consistency beyond the tree', run: () => tree.consistencyProof(5, 11) },
    { description: 'leaf hash beyond the tree', run: () => tree.leafHash(10) },
    {
      description: 'appending a hash of the wrong size',
      run: () => tree.appendLeafHash(new Uint8Array(31)),
    },
  ];
  it.each(cases)('refuses $description with INVALID_ARGUMENT', ({ run }) => {
    expect(isMeshError(thrown(run), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('is unchanged by a refused append', () => {
    expect(tree.size).toBe(10);
  });
});
