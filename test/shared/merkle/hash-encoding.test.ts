import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeProofText,
  encodeHash,
  encodeProofText,
  MAX_PROOF_HASHES,
} from '../../../shared/merkle/hash-encoding';

const hash = (text: string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(text).digest());

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const flipLowBit = (c: string): string => ALPHABET[ALPHABET.indexOf(c) ^ 1]!;

describe('a proof as one text (a Status answer consistency proof)', () => {
  it('round-trips any number of hashes, 3 characters per hash shorter than a JSON array', () => {
    for (const count of [0, 1, 2, 3, 16, MAX_PROOF_HASHES]) {
      const proof = Array.from({ length: count }, (_, i) => hash(String(i)));
      const text = encodeProofText(proof);
      expect(decodeProofText(text)).toEqual(proof);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      if (count > 0) {
        const array = JSON.stringify(proof.map((node) => encodeHash(node)));
        expect(array.length - JSON.stringify(text).length).toBeGreaterThanOrEqual(3 * count - 1);
      }
    }
  });

  it('refuses what is not whole hashes in canonical base64url, naming the field', () => {
    const text = encodeProofText([hash('a'), hash('b')]);
    const refused = [
      text.slice(0, -1), // not whole hashes
      `${text}AAAA`, // 3 more bytes
      `${text.slice(0, -1)}${flipLowBit(text.at(-1)!)}`, // non-zero fill bits (64 bytes: 4)
      `${text}=`, // padding
      text.replace(/.$/, '+'), // not base64url
      encodeProofText(Array.from({ length: MAX_PROOF_HASHES + 1 }, (_, i) => hash(String(i)))),
    ];
    for (const bad of refused) {
      expect(() => decodeProofText(bad, 'ConsistencyProof.Path')).toThrow(
        expect.objectContaining({
          code: 'INVALID_MESSAGE',
          details: { field: 'ConsistencyProof.Path' },
        }),
      );
    }
  });
});
