/**
 * Negative cases as data (docs/architecture.md section 11, "Logs and storage"): one mutation of a
 * valid proof per fixture, each with a description and the failure reason it must give. The valid
 * claims come from a 13-leaf tree (not a power of two, four levels) built in verify.test.ts.
 */
import type { ProofFailureReason } from '../../../shared/merkle/proof-error';
import type { ConsistencyClaim } from '../../../shared/merkle/verify-consistency';
import type { InclusionClaim } from '../../../shared/merkle/verify-inclusion';

/** What a mutation may use besides the valid claim: the tree's roots and leaf hashes by size. */
export interface FixtureContext {
  root(size: number): Uint8Array;
  leafHash(index: number): Uint8Array;
  inclusionProof(index: number, size: number): Uint8Array[];
  consistencyProof(first: number, second: number): Uint8Array[];
  /** The leaf hash of an entry that is not in the tree. */
  strangerLeafHash: Uint8Array;
  /** A fork: the same log with entry `rewritten` replaced; its root and proofs by size. */
  fork(rewritten: number): {
    root(size: number): Uint8Array;
    consistencyProof(first: number, second: number): Uint8Array[];
  };
}

export interface ProofFixture<Claim> {
  readonly description: string;
  readonly mutate: (valid: Claim, context: FixtureContext) => Claim;
  readonly reason: ProofFailureReason;
}

/** A copy of `hash` with one bit flipped. */
export function flipBit(hash: Uint8Array, byte = 0, bit = 0): Uint8Array {
  const copy = hash.slice();
  copy[byte] = (copy[byte] ?? 0) ^ (1 << bit);
  return copy;
}

/** The proof with node i replaced by `replace(node)`. */
function mapNode(
  proof: readonly Uint8Array[],
  i: number,
  replace: (node: Uint8Array) => Uint8Array,
): Uint8Array[] {
  return proof.map((node, j) => (j === (i < 0 ? proof.length + i : i) ? replace(node) : node));
}

/** The valid inclusion claim the fixtures mutate: leaf 5 of the 13-leaf tree (a 4-node proof). */
export const INCLUSION_BASE = { index: 5, treeSize: 13 } as const;

export const inclusionFixtures: ProofFixture<InclusionClaim>[] = [
  {
    description: 'wrong leaf: the hash of an entry not in the log',
    mutate: (v, c) => ({ ...v, leafHash: c.strangerLeafHash }),
    reason: 'root-mismatch',
  },
  {
    description: 'wrong leaf: the hash of the neighbouring leaf',
    mutate: (v, c) => ({ ...v, leafHash: c.leafHash(4) }),
    reason: 'root-mismatch',
  },
  {
    description: 'wrong index: a neighbour whose proof has the same length',
    mutate: (v) => ({ ...v, index: 4 }),
    reason: 'root-mismatch',
  },
  {
    description: 'index equal to the tree size',
    mutate: (v) => ({ ...v, index: 13 }),
    reason: 'index-out-of-range',
  },
  {
    description: 'index far beyond the tree',
    mutate: (v) => ({ ...v, index: 1_000_000 }),
    reason: 'index-out-of-range',
  },
  {
    description: 'empty tree',
    mutate: (v) => ({ ...v, index: 0, treeSize: 0, proof: [] }),
    reason: 'index-out-of-range',
  },
  {
    description: 'negative index',
    mutate: (v) => ({ ...v, index: -1 }),
    reason: 'invalid-number',
  },
  {
    description: 'fractional index',
    mutate: (v) => ({ ...v, index: 4.5 }),
    reason: 'invalid-number',
  },
  {
    description: 'tree size beyond safe integers',
    mutate: (v) => ({ ...v, treeSize: 2 ** 53 }),
    reason: 'invalid-number',
  },
  {
    description: 'truncated proof: the top node dropped',
    mutate: (v) => ({ ...v, proof: v.proof.slice(0, -1) }),
    reason: 'proof-too-short',
  },
  {
    description: 'truncated proof: the bottom node dropped',
    mutate: (v) => ({ ...v, proof: v.proof.slice(1) }),
    reason: 'proof-too-short',
  },
  {
    description: 'no proof at all for a tree of more than one leaf',
    mutate: (v) => ({ ...v, proof: [] }),
    reason: 'proof-too-short',
  },
  {
    description: 'extra node appended',
    mutate: (v, c) => ({ ...v, proof: [...v.proof, c.root(13)] }),
    reason: 'proof-too-long',
  },
  {
    description: 'extra node prepended',
    mutate: (v, c) => ({ ...v, proof: [c.leafHash(4), ...v.proof] }),
    reason: 'proof-too-long',
  },
  {
    description: 'a one-leaf tree given a non-empty proof',
    mutate: (v, c) => ({
      ...v,
      leafHash: c.leafHash(0),
      index: 0,
      treeSize: 1,
      rootHash: c.root(1),
      proof: [c.leafHash(1)],
    }),
    reason: 'proof-too-long',
  },
  {
    description: 'flipped bit in the bottom node',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, 0, (n) => flipBit(n)) }),
    reason: 'root-mismatch',
  },
  {
    description: 'flipped bit in the top node',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, -1, (n) => flipBit(n, 31, 7)) }),
    reason: 'root-mismatch',
  },
  {
    description: 'two nodes swapped',
    mutate: (v) => {
      const [a, b, ...rest] = v.proof;
      return { ...v, proof: [b, a, ...rest] as Uint8Array[] };
    },
    reason: 'root-mismatch',
  },
  {
    description: 'wrong root: the root of the tree one leaf smaller',
    mutate: (v, c) => ({ ...v, rootHash: c.root(12) }),
    reason: 'root-mismatch',
  },
  {
    description: 'flipped bit in the root',
    mutate: (v) => ({ ...v, rootHash: flipBit(v.rootHash, 16, 3) }),
    reason: 'root-mismatch',
  },
  {
    description: 'tree size one larger, with that tree’s root (proof of the same length)',
    mutate: (v, c) => ({ ...v, treeSize: 14, rootHash: c.root(14) }),
    reason: 'root-mismatch',
  },
  {
    description: 'tree size much larger than the proof covers',
    mutate: (v) => ({ ...v, treeSize: 1000 }),
    reason: 'proof-too-short',
  },
  {
    description: 'tree size smaller than the proof covers',
    mutate: (v, c) => ({ ...v, treeSize: 8, rootHash: c.root(8) }),
    reason: 'proof-too-long',
  },
  {
    description: 'a proof for another size of the same tree',
    mutate: (v, c) => ({ ...v, proof: c.inclusionProof(5, 12) }),
    reason: 'root-mismatch',
  },
  {
    description: 'a proof node of 31 bytes',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, 1, (n) => n.slice(1)) }),
    reason: 'bad-hash-size',
  },
  {
    description: 'a root of 33 bytes',
    mutate: (v) => ({ ...v, rootHash: Uint8Array.of(...v.rootHash, 0) }),
    reason: 'bad-hash-size',
  },
  {
    description: 'the entry itself instead of its leaf hash',
    mutate: (v) => ({ ...v, leafHash: new TextEncoder().encode('entry 5') }),
    reason: 'bad-hash-size',
  },
];

/** The valid consistency claims the fixtures mutate: 6 -> 13 (first not a power of two). */
export const CONSISTENCY_BASE = { firstSize: 6, secondSize: 13 } as const;

export const consistencyFixtures: ProofFixture<ConsistencyClaim>[] = [
  {
    description: 'first tree larger than the second (sizes and roots swapped)',
    mutate: (v) => ({
      ...v,
      firstSize: v.secondSize,
      firstHash: v.secondHash,
      secondSize: v.firstSize,
      secondHash: v.firstHash,
    }),
    reason: 'size-order',
  },
  {
    description: 'empty proof between different sizes',
    mutate: (v) => ({ ...v, proof: [] }),
    reason: 'empty-proof',
  },
  {
    description: 'truncated proof: the top node dropped',
    mutate: (v) => ({ ...v, proof: v.proof.slice(0, -1) }),
    reason: 'proof-too-short',
  },
  {
    description: 'extra node appended',
    mutate: (v, c) => ({ ...v, proof: [...v.proof, c.root(4)] }),
    reason: 'proof-too-long',
  },
  {
    description: 'flipped bit in the seed node (shared by both trees)',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, 0, (n) => flipBit(n)) }),
    reason: 'first-root-mismatch',
  },
  {
    description: 'flipped bit in a node only the second tree has',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, 1, (n) => flipBit(n, 5, 5)) }),
    reason: 'second-root-mismatch',
  },
  {
    description: 'flipped bit in a node of the first tree’s left subtree',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, 2, (n) => flipBit(n, 9, 1)) }),
    reason: 'first-root-mismatch',
  },
  {
    description: 'flipped bit in the top node (the new entries)',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, -1, (n) => flipBit(n, 31, 0)) }),
    reason: 'second-root-mismatch',
  },
  {
    description: 'wrong first root: the root of a tree one leaf smaller',
    mutate: (v, c) => ({ ...v, firstHash: c.root(5) }),
    reason: 'first-root-mismatch',
  },
  {
    description: 'wrong second root: one bit flipped',
    mutate: (v) => ({ ...v, secondHash: flipBit(v.secondHash, 0, 6) }),
    reason: 'second-root-mismatch',
  },
  {
    description: 'the root of a log that differs at entry 10, with this log’s proof',
    mutate: (v, c) => ({ ...v, secondHash: c.fork(10).root(13) }),
    reason: 'second-root-mismatch',
  },
  {
    description: 'a fork that rewrote entry 2 (inside the first tree): its root and its proof',
    mutate: (v, c) => ({
      ...v,
      secondHash: c.fork(2).root(13),
      proof: c.fork(2).consistencyProof(6, 13),
    }),
    reason: 'first-root-mismatch',
  },
  {
    description: 'first size one smaller than the proof was made for',
    mutate: (v, c) => ({ ...v, firstSize: 5, firstHash: c.root(5) }),
    reason: 'proof-too-short',
  },
  {
    description: 'second size one larger, with that tree’s root',
    mutate: (v, c) => ({ ...v, secondSize: 14, secondHash: c.root(14) }),
    reason: 'second-root-mismatch',
  },
  {
    description: 'a proof for another pair of sizes',
    mutate: (v, c) => ({ ...v, proof: c.consistencyProof(7, 13) }),
    reason: 'proof-too-long',
  },
  {
    description: 'equal sizes with a non-empty proof',
    mutate: (v, c) => ({ ...v, firstSize: 13, firstHash: c.root(13) }),
    reason: 'proof-not-empty',
  },
  {
    description: 'equal sizes with different roots',
    mutate: (v, c) => ({
      ...v,
      firstSize: 13,
      firstHash: flipBit(c.root(13)),
      proof: [],
    }),
    reason: 'root-mismatch',
  },
  {
    description: 'empty first tree with a non-empty proof',
    mutate: (v, c) => ({ ...v, firstSize: 0, firstHash: c.root(0) }),
    reason: 'proof-not-empty',
  },
  {
    description: 'empty first tree whose root is not SHA-256("")',
    mutate: (v) => ({ ...v, firstSize: 0, proof: [] }),
    reason: 'first-root-mismatch',
  },
  {
    description: 'first size a power of two with its root also sent in the proof',
    mutate: (v, c) => ({
      ...v,
      firstSize: 4,
      firstHash: c.root(4),
      proof: [c.root(4), ...c.consistencyProof(4, 13)],
    }),
    reason: 'proof-too-long',
  },
  {
    description: 'first size a power of two with a wrong first root (caught by the second root)',
    mutate: (v, c) => ({
      ...v,
      firstSize: 4,
      firstHash: flipBit(c.root(4)),
      proof: c.consistencyProof(4, 13),
    }),
    reason: 'second-root-mismatch',
  },
  {
    description: 'negative first size',
    mutate: (v) => ({ ...v, firstSize: -6 }),
    reason: 'invalid-number',
  },
  {
    description: 'fractional second size',
    mutate: (v) => ({ ...v, secondSize: 13.5 }),
    reason: 'invalid-number',
  },
  {
    description: 'a proof node of 33 bytes',
    mutate: (v) => ({ ...v, proof: mapNode(v.proof, 0, (n) => Uint8Array.of(...n, 1)) }),
    reason: 'bad-hash-size',
  },
  {
    description: 'a first root of 0 bytes',
    mutate: (v) => ({ ...v, firstHash: new Uint8Array(0) }),
    reason: 'bad-hash-size',
  },
];
