import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  emptyRoot,
  hashesEqual,
  leafHash,
  nodeHash,
  splitPoint,
} from '../../../shared/merkle/hashing';
import { MerkleTree } from '../../../shared/merkle/tree';
import { isMeshError } from '../../../shared/errors';
import { hex } from './reference';

const sha256 = (...parts: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('RFC 9162 2.1.1 hashing', () => {
  it('hashes a leaf as SHA-256(0x00 || entry), cross-checked with node:crypto', () => {
    const entry = new TextEncoder().encode('mesh log entry');
    expect(hex(leafHash(entry))).toBe(sha256(Uint8Array.of(0), entry));
    // SHA-256 of the single byte 0x00: the well-known hash of an empty CT leaf.
    expect(hex(leafHash(new Uint8Array(0)))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('hashes a node as SHA-256(0x01 || left || right), order mattering', () => {
    const left = leafHash(Uint8Array.of(1));
    const right = leafHash(Uint8Array.of(2));
    expect(hex(nodeHash(left, right))).toBe(sha256(Uint8Array.of(1), left, right));
    expect(hashesEqual(nodeHash(left, right), nodeHash(right, left))).toBe(false);
  });

  it('refuses node inputs that are not 32 bytes', () => {
    const error = (() => {
      try {
        nodeHash(new Uint8Array(31), new Uint8Array(32));
      } catch (caught) {
        return caught;
      }
    })();
    expect(isMeshError(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('gives the empty tree the root SHA-256("")', () => {
    expect(hex(emptyRoot())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(MerkleTree.empty().root())).toBe(hex(emptyRoot()));
  });

  it('splits at the largest power of two below n, past 2^32', () => {
    expect([2, 3, 4, 5, 8, 9, 130].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 128]);
    expect(splitPoint(2 ** 40 + 1)).toBe(2 ** 40);
  });
});

describe('known roots', () => {
  // Roots of small trees written out by hand as RFC 9162 2.1.1 defines them, hashed by node:crypto.
  const L = (text: string) => bytes(sha256(Uint8Array.of(0), new TextEncoder().encode(text)));
  const N = (left: Uint8Array, right: Uint8Array) => bytes(sha256(Uint8Array.of(1), left, right));
  const tree = (texts: string[]) =>
    MerkleTree.fromLeafHashes(texts.map((text) => leafHash(new TextEncoder().encode(text))));

  it('matches hand-built roots for 1, 2, 3, 5 and 7 leaves', () => {
    const [a, b, c, d, e, f, g] = [L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g')];
    const t = tree(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(hex(t.root(1))).toBe(hex(a));
    expect(hex(t.root(2))).toBe(hex(N(a, b)));
    expect(hex(t.root(3))).toBe(hex(N(N(a, b), c)));
    expect(hex(t.root(5))).toBe(hex(N(N(N(a, b), N(c, d)), e)));
    expect(hex(t.root(7))).toBe(hex(N(N(N(a, b), N(c, d)), N(N(e, f), g))));
  });

  it('matches the Certificate Transparency test vectors (transparency-dev/merkle testonly)', () => {
    // Leaf inputs and roots of sizes 1..8 as published with the RFC 6962 reference tests.
    const inputs = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const t = MerkleTree.empty();
    inputs.forEach((input, i) => {
      t.appendEntry(bytes(input));
      expect(hex(t.root()), `root of ${i + 1} leaves`).toBe(roots[i]);
    });
  });
});
