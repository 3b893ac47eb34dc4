/**
 * An append-only Merkle tree (RFC 9162 section 2.1) held in memory, which keeps the hash of every
 * completed subtree so that appending costs O(log n) amortised hashes and the root of any past
 * size, an inclusion proof (2.1.3.1) or a consistency proof (2.1.4.1) costs O(log n) hashes.
 *
 * Level L holds the roots of the complete subtrees of 2^L leaves, left to right: level 0 the leaf
 * hashes, level 1 the hashes of leaves (0,1), (2,3), ... Each level is one growable byte array, so
 * a million leaves take about 64 MB and no per-hash objects.
 */
import { MeshError } from '../errors';
import { emptyRoot, HASH_SIZE, leafHash as hashLeaf, nodeHash, splitPoint } from './hashing';

/** The hashes of one level, stored back to back. */
class HashLevel {
  private bytes: Uint8Array;
  count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(capacity, 1) * HASH_SIZE);
  }

  push(hash: Uint8Array): void {
    const offset = this.count * HASH_SIZE;
    if (offset + HASH_SIZE > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(hash, offset);
    this.count++;
  }

  /** A view of hash i: valid until the next push; callers copy what they hand out. */
  view(i: number): Uint8Array {
    return this.bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/** log2 of a power of two, by division (sizes may exceed 2^31). */
function levelOf(powerOfTwo: number): number {
  let level = 0;
  for (let v = powerOfTwo; v > 1; v /= 2) level++;
  return level;
}

function isPowerOfTwo(value: number): boolean {
  let v = value;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}

/**
 * The Merkle tree of a log (RFC 9162 2.1). Entries are appended as leaf hashes; every method that
 * takes a size works for any size up to the current one, so the service can answer proofs about
 * any checkpoint it ever signed.
 */
export class MerkleTree {
  private readonly levels: HashLevel[] = [];

  private constructor(expectedLeaves: number) {
    this.levels.push(new HashLevel(expectedLeaves));
  }

  /** An empty tree. */
  static empty(): MerkleTree {
    return new MerkleTree(1024);
  }

  /** The tree over these leaf hashes, in log order (the service rebuilds it this way at start). */
  static fromLeafHashes(leafHashes: Iterable<Uint8Array>): MerkleTree {
    const expected = Array.isArray(leafHashes) ? leafHashes.length : 1024;
    const tree = new MerkleTree(expected);
    for (const hash of leafHashes) tree.appendLeafHash(hash);
    return tree;
  }

  /** Number of leaves. */
  get size(): number {
    return this.level(0).count;
  }

  /** Append one log entry (hashed as a leaf, RFC 9162 2.1.1); returns its index. */
  appendEntry(entry: Uint8Array): number {
    return this.appendLeafHash(hashLeaf(entry));
  }

  /**
   * Append a leaf hash; returns its index. Completes every subtree the new leaf closes: one node
   * hash per trailing 1 bit of the index, so n appends cost about n node hashes in all.
   */
  appendLeafHash(hash: Uint8Array): number {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
      throw new MeshError('INVALID_ARGUMENT', `a leaf hash is ${HASH_SIZE} bytes`, {
        actual: hash instanceof Uint8Array ? hash.length : -1,
      });
    }
    const index = this.size;
    this.level(0).push(hash);
    let level = 0;
    let position = index;
    while (position % 2 === 1) {
      const below = this.level(level);
      const parent = nodeHash(below.view(position - 1), below.view(position));
      if (this.levels.length === level + 1) this.levels.push(new HashLevel(1024));
      this.level(level + 1).push(parent);
      level++;
      position = (position - 1) / 2;
    }
    return index;
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    this.checkIndex(index, this.size);
    return this.level(0).view(index).slice();
  }

  /** MTH(D[0:size]), the root of the tree as it was at `size` leaves (RFC 9162 2.1.1). */
  root(size: number = this.size): Uint8Array {
    this.checkSize('size', size);
    return size === 0 ? emptyRoot() : this.rangeHash(0, size).slice();
  }

  /**
   * PATH(index, D[0:size]) (RFC 9162 2.1.3.1): the inclusion proof of leaf `index` in the tree of
   * `size` leaves, bottom-up.
   */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.checkSize('size', size);
    this.checkIndex(index, size);
    const siblings: Uint8Array[] = [];
    let start = 0;
    let end = size;
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        siblings.push(this.rangeHash(start + k, end));
        end = start + k;
      } else {
        siblings.push(this.rangeHash(start, start + k));
        start += k;
      }
    }
    // Collected top-down; PATH lists the sibling nearest the leaf first.
    return siblings.reverse().map((hash) => hash.slice());
  }

  /**
   * PROOF(first, D[0:second]) (RFC 9162 2.1.4.1): the consistency proof that the tree of `second`
   * leaves extends the tree of `first` leaves. Empty when first is 0 or equals second.
   */
  consistencyProof(first: number, second: number = this.size): Uint8Array[] {
    this.checkSize('second', second);
    this.checkSize('first', first);
    if (first > second) {
      throw new MeshError('INVALID_ARGUMENT', `first size ${first} exceeds second size ${second}`, {
        first,
        second,
      });
    }
    if (first === 0) return [];
    // SUBPROOF(m, D[start:end], b), unrolled; nodes collected top-down.
    const nodes: Uint8Array[] = [];
    let start = 0;
    let end = second;
    let m = first;
    let known = true; // b: MTH(D[start:start+m]) is the first root the verifier already holds
    for (;;) {
      const n = end - start;
      if (m === n) {
        if (!known) nodes.push(this.rangeHash(start, end));
        break;
      }
      const k = splitPoint(n);
      if (m <= k) {
        nodes.push(this.rangeHash(start + k, end));
        end = start + k;
      } else {
        nodes.push(this.rangeHash(start, start + k));
        start += k;
        m -= k;
        known = false;
      }
    }
    return nodes.reverse().map((hash) => hash.slice());
  }

  /**
   * MTH(D[start:end]) for a range the RFC recursion produces: start is a multiple of every power
   * of two not larger than end - start, so a power-of-two range is one stored complete subtree,
   * and any other range splits into a stored left part and a shorter right range.
   * May return a view into storage: callers copy before handing it out.
   */
  private rangeHash(start: number, end: number): Uint8Array {
    const n = end - start;
    if (isPowerOfTwo(n)) return this.level(levelOf(n)).view(start / n);
    const k = splitPoint(n);
    return nodeHash(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private level(level: number): HashLevel {
    // Level 0 exists from the start and appendLeafHash adds each level before its first use.
    return this.levels[level] as HashLevel;
  }

  private checkSize(name: string, size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new MeshError('INVALID_ARGUMENT', `${name} must be between 0 and ${this.size}`, {
        field: name,
        treeSize: this.size,
      });
    }
  }

  private checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new MeshError('INVALID_ARGUMENT', `leaf index must be below ${size}`, {
        field: 'index',
        size,
      });
    }
  }
}
