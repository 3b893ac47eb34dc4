import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';

describe('utf8', () => {
  it('round-trips text outside the Basic Multilingual Plane and keeps a BOM', () => {
    const text = '\uFEFFMesh \u00e9\u4e2d\u{1F511}';
    const bytes = utf8Encode(text);
    // Expected bytes worked out from RFC 3629 section 3 by hand.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect([...bytes.subarray(-4)]).toEqual([0xf0, 0x9f, 0x94, 0x91]);
    expect(Buffer.from(bytes).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(utf8Decode(bytes)).toBe(text);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a truncated sequence', [0xe4, 0xb8]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('rejects %s instead of substituting U+FFFD', (_name, bytes) => {
    expect(() => utf8Decode(new Uint8Array(bytes))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
