import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { base32Decode, base32DecodePrefix, base32Encode } from '../../../shared/encoding/base32';
import { isMeshError } from '../../../shared/errors';

// Known answers: RFC 4648 section 10 test vectors, with the `=` padding removed.
const rfc4648 = [
  ['', ''],
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
] as const;

describe('base32', () => {
  it.each(rfc4648)('encodes and decodes the RFC 4648 vector %j', (text, encoded) => {
    const bytes = new TextEncoder().encode(text);
    expect(base32Encode(bytes)).toBe(encoded);
    expect(base32Decode(encoded)).toEqual(bytes);
  });

  it('agrees with a bit-by-bit reference on random data of every length up to 40', () => {
    // Reference: the RFC 4648 bit-by-bit definition, written out here independently.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const reference = (bytes: Uint8Array): string => {
      const bits = [...bytes].map((byte) => byte.toString(2).padStart(8, '0')).join('');
      let out = '';
      for (let i = 0; i < bits.length; i += 5)
        out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
      return out;
    };
    for (let length = 0; length <= 40; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const encoded = base32Encode(bytes);
      expect(encoded).toBe(reference(bytes));
      expect(base32Decode(encoded)).toEqual(bytes);
    }
  });

  const rejections = [
    { description: 'lower case is not canonical', text: 'mzxw6', position: 1 },
    { description: 'a digit outside 2-7', text: 'MZXW1', position: 5 },
    { description: 'padding', text: 'MY======', position: 3 },
    { description: 'a length no byte string has (1 mod 8)', text: 'MZXW6YTBO' },
    { description: 'a length no byte string has (3 mod 8)', text: 'MZX' },
    { description: 'non-zero unused bits in the last character', text: 'MZ' },
  ];
  it.each(rejections)('rejects $description', ({ text, position }) => {
    let thrown: unknown;
    try {
      base32Decode(text);
    } catch (error) {
      thrown = error;
    }
    expect(isMeshError(thrown, 'INVALID_ARGUMENT')).toBe(true);
    if (position !== undefined) {
      expect((thrown as { details: { position: number } }).details.position).toBe(position);
    }
  });

  it('decodes a prefix of any length to its whole bytes', () => {
    // 'MZXW6YTB' is 'fooba'; its first 7 characters carry 35 bits: 4 whole bytes 'foob'.
    expect(base32DecodePrefix('MZXW6YT')).toEqual(new TextEncoder().encode('foob'));
    expect(base32DecodePrefix('M')).toEqual(new Uint8Array(0));
  });
});
