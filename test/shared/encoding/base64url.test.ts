import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { base64urlDecode, base64urlEncode } from '../../../shared/encoding/base64url';
import { isMeshError } from '../../../shared/errors';

// Known answers: RFC 4648 section 10 base64 vectors without padding (no + or / occur in them),
// and two URL-safe cases worked by hand: 0xFB 0xFF = 111110 111111 1111(00) = '-', '_', '8'.
const vectors = [
  ['', ''],
  ['f', 'Zg'],
  ['fo', 'Zm8'],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg'],
  ['fooba', 'Zm9vYmE'],
  ['foobar', 'Zm9vYmFy'],
] as const;

describe('base64url', () => {
  it.each(vectors)('encodes and decodes the RFC 4648 vector %j', (text, encoded) => {
    const bytes = new TextEncoder().encode(text);
    expect(base64urlEncode(bytes)).toBe(encoded);
    expect(base64urlDecode(encoded)).toEqual(bytes);
  });

  it('uses the URL-safe alphabet', () => {
    expect(base64urlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64urlDecode('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
  });

  it("agrees with Node's Buffer base64url on random data of every length up to 40", () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const encoded = base64urlEncode(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
      expect(base64urlDecode(encoded)).toEqual(bytes);
    }
  });

  const rejections = [
    { description: 'padding', text: 'Zg==' },
    { description: 'the standard alphabet', text: '+/8' },
    { description: 'a length no byte string has (1 mod 4)', text: 'Zm9vY' },
    { description: 'non-zero unused bits', text: 'Zh' },
    { description: 'white space', text: 'Zm 9v' },
  ];
  it.each(rejections)('rejects $description', ({ text }) => {
    let thrown: unknown;
    try {
      base64urlDecode(text);
    } catch (error) {
      thrown = error;
    }
    expect(isMeshError(thrown, 'INVALID_ARGUMENT')).toBe(true);
  });
});
