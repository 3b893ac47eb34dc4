import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { isMeshError, type MeshErrorCode } from '../../shared/errors';
import {
  UDF_TYPE,
  normalizeUdf,
  parseUdf,
  randomNonce,
  randomSecret,
  udfFromData,
  udfFromTypedBytes,
  udfMatches,
  udfBaseType,
  udfCompressionLevel,
  uncompressedUdf,
} from '../../shared/udf';
import { udfSchema } from '../../shared/udf-schema';
import { describeInterop, interopVectors } from '../support/interop-data';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Throws and returns the error, for checking code and details. */
function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

// Known answers computed once, independently, with Python 3:
//   import hashlib, base64
//   def udf(data, ct, bits=140, h=hashlib.sha512, t=96):
//       tcdv = h(ct.encode() + b':' + h(data).digest()).digest()
//       s = base64.b32encode(bytes([t]) + tcdv).decode().rstrip('=')[:bits // 5]
//       return '-'.join(s[i:i+4] for i in range(0, len(s), 4))
// (sha3: h=hashlib.sha3_512, t=80.) Data/secret values: '-'.join of the 4-character groups of
// base64.b32encode(bytes([type]) + value) with the padding stripped.
const knownFingerprints = [
  {
    data: 'Hello World',
    contentType: 'text/plain',
    bits: 100,
    udf: 'MCYB-W67L-FAGM-YQGR-JJ6M',
  },
  {
    data: 'Hello World',
    contentType: 'text/plain',
    bits: undefined,
    udf: 'MCYB-W67L-FAGM-YQGR-JJ6M-5ZYC-KGWR',
  },
  {
    data: 'Hello World',
    contentType: 'text/plain',
    bits: 200,
    udf: 'MCYB-W67L-FAGM-YQGR-JJ6M-5ZYC-KGWR-VJIW-S64J-UEEF',
  },
  {
    data: 'Hello World',
    contentType: 'text/plain',
    bits: 520,
    udf: 'MCYB-W67L-FAGM-YQGR-JJ6M-5ZYC-KGWR-VJIW-S64J-UEEF-DXUN-VPE3-3BL7-JRZO-CW5Q-UIFR-JCV7-UO64-72C3-HWUS-EEMI-NGC2-JH74-LWC6-43BO-HARZ',
  },
  {
    data: '',
    contentType: 'application/octet-stream',
    bits: undefined,
    udf: 'MDAR-5XR6-HEGL-J62A-3QHT-7VUK-HBPQ',
  },
] as const;

const knownSha3 = [
  { bits: undefined, udf: 'KA6O-DFCF-A6WK-7ZES-MI7M-W5SC-7A5R' },
  {
    bits: 520,
    udf: 'KA6O-DFCF-A6WK-7ZES-MI7M-W5SC-7A5R-4Q3M-ZMJ6-X6HZ-TJ3H-OPYS-TQ4U-IVOS-QXQY-KKAP-2SYD-2AWA-EWES-MUCC-Y5RJ-RTBZ-X742-IOXZ-GWNX-EZ57',
  },
] as const;

// A second, independent implementation for random cross-checks: node:crypto digests and a
// Base32 written out bit by bit from RFC 4648.
function referenceUdf(data: Uint8Array, contentType: string, bits: number, sha3: boolean): string {
  const algorithm = sha3 ? 'sha3-512' : 'sha512';
  const inner = createHash(algorithm).update(data).digest();
  const tcdv = createHash(algorithm)
    .update(Buffer.concat([Buffer.from(contentType + ':', 'utf8'), inner]))
    .digest();
  // Compression (draft-hallambaker-mesh-udf-13 §5.1.3): trailing zero bits raise the type byte.
  const bitsOfDigest = [...tcdv].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  const trailing = bitsOfDigest.length - bitsOfDigest.replace(/0+$/, '').length;
  const level = [20, 30, 40, 50].filter((zeros) => trailing >= zeros).length;
  const bytes = Buffer.concat([Buffer.from([(sha3 ? 80 : 96) + level]), tcdv]);
  const bitString = [...bytes].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let text = '';
  for (let i = 0; i < bits; i += 5) text += alphabet[parseInt(bitString.slice(i, i + 5), 2)];
  return text.match(/.{4}/g)!.join('-');
}

describe('udfFromData', () => {
  it.each(knownFingerprints)(
    'gives the known SHA-2-512 UDF of $data ($contentType, $bits bits)',
    ({ data, contentType, bits, udf }) => {
      expect(udfFromData(utf8(data), contentType, bits === undefined ? {} : { bits })).toBe(udf);
    },
  );

  it.each(knownSha3)('gives the known SHA-3-512 UDF at $bits bits', ({ bits, udf }) => {
    expect(
      udfFromData(utf8('Hello World'), 'text/plain', {
        algorithm: 'sha3-512',
        ...(bits === undefined ? {} : { bits }),
      }),
    ).toBe(udf);
  });

  it('agrees with node:crypto and a reference Base32 on random inputs at every precision', () => {
    for (let round = 0; round < 20; round++) {
      const data = new Uint8Array(randomBytes(round * 13));
      const bits = 100 + 20 * (round % 22);
      const sha3 = round % 2 === 1;
      expect(
        udfFromData(data, 'application/x-test', {
          bits,
          algorithm: sha3 ? 'sha3-512' : 'sha2-512',
        }),
      ).toBe(referenceUdf(data, 'application/x-test', bits, sha3));
    }
  });

  it('starts SHA-2-512 fingerprints with M and SHA-3-512 ones with K (type bytes 96 and 80)', () => {
    expect(udfFromData(utf8('x'), 'text/plain')[0]).toBe('M');
    expect(udfFromData(utf8('x'), 'text/plain', { algorithm: 'sha3-512' })[0]).toBe('K');
  });

  it('binds the content type: the same bytes under another type have another UDF', () => {
    expect(udfFromData(utf8('x'), 'text/plain')).not.toBe(
      udfFromData(utf8('x'), 'application/octet-stream'),
    );
  });

  const badPrecisions = [
    { bits: 90, why: 'under 100' },
    { bits: 130, why: 'not a multiple of 20' },
    { bits: 540, why: 'more than a 512-bit digest and its type byte hold' },
    { bits: 100.5, why: 'not an integer' },
  ];
  it.each(badPrecisions)('rejects a precision $why ($bits)', ({ bits }) => {
    expect(
      isMeshError(
        caught(() => udfFromData(utf8('x'), 'text/plain', { bits })),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });

  it('rejects an empty content type', () => {
    expect(
      isMeshError(
        caught(() => udfFromData(utf8('x'), '')),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });
});

describe('udfFromTypedBytes', () => {
  it('presents nonces and secrets in full (known answers from Python base64.b32encode)', () => {
    const counting = (length: number) => Uint8Array.from({ length }, (_, index) => index);
    expect(udfFromTypedBytes(UDF_TYPE.nonce, counting(16))).toBe(
      'NAAA-CAQD-AQCQ-MBYI-BEFA-WDAN-BYHQ',
    );
    expect(udfFromTypedBytes(UDF_TYPE.secret, counting(32))).toBe(
      'ZAAA-CAQD-AQCQ-MBYI-BEFA-WDAN-BYHR-AEIS-CMKB-KFQX-DAMR-UGY4-DUPB-6',
    );
  });

  it('truncates an authenticator like a fingerprint (known answer)', () => {
    expect(udfFromTypedBytes(UDF_TYPE.authenticator, new Uint8Array(64).fill(0xab), 100)).toBe(
      'ACV2-XK5L-VOV2-XK5L-VOV2',
    );
  });

  it.each([
    {
      description: 'a precision for a data value',
      run: () => udfFromTypedBytes(UDF_TYPE.nonce, new Uint8Array(16), 140),
    },
    { description: 'an unknown type byte', run: () => udfFromTypedBytes(7, new Uint8Array(16)) },
    {
      description: 'a nonce under 128 bits',
      run: () => udfFromTypedBytes(UDF_TYPE.nonce, new Uint8Array(15)),
    },
    {
      description: 'a secret over 2048 bits',
      run: () => udfFromTypedBytes(UDF_TYPE.secret, new Uint8Array(257)),
    },
  ])('rejects $description', ({ run }) => {
    expect(isMeshError(caught(run), 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('parseUdf', () => {
  const hello = 'MCYB-W67L-FAGM-YQGR-JJ6M-5ZYC-KGWR';

  it('returns the type byte, the whole bytes and the precision', () => {
    const parsed = parseUdf(hello);
    expect(parsed.typeByte).toBe(96);
    expect(parsed.bits).toBe(140);
    // 140 bits carry 17 whole bytes; compare them with node:crypto's digest.
    const tcdv = createHash('sha512')
      .update(
        Buffer.concat([
          Buffer.from('text/plain:'),
          createHash('sha512').update('Hello World').digest(),
        ]),
      )
      .digest();
    expect(Buffer.from(parsed.bytes)).toEqual(
      Buffer.concat([Buffer.from([96]), tcdv.subarray(0, 16)]),
    );
  });

  it('tolerates lower case, missing dashes and spaces', () => {
    const forms = [
      hello.toLowerCase(),
      hello.replaceAll('-', ''),
      hello.replaceAll('-', ' '),
      ` ${hello}\n`,
    ];
    for (const form of forms) {
      expect(parseUdf(form)).toEqual(parseUdf(hello));
      expect(normalizeUdf(form)).toBe(hello);
    }
  });

  it('round-trips a full-length secret, including its short last group', () => {
    const secret = randomSecret();
    const parsed = parseUdf(secret, { expectType: UDF_TYPE.secret });
    expect(parsed.bytes.length).toBe(33);
    expect(udfFromTypedBytes(UDF_TYPE.secret, parsed.bytes.subarray(1))).toBe(secret);
  });

  // Negative cases as data: one mutation each, with the code and what the message must name.
  const mutations: {
    description: string;
    text: string;
    expectType?: number;
    code: MeshErrorCode;
    names: RegExp;
  }[] = [
    {
      description: 'a wrong type byte',
      text: hello,
      expectType: UDF_TYPE.sha3_512,
      code: 'INVALID_UDF',
      names:
        /expected a SHA-3-512 fingerprint \(type 80\), got a SHA-2-512 fingerprint \(type 96\)/,
    },
    {
      description: 'an unknown type byte',
      text: 'AQYB-W67L-FAGM-YQGR-JJ6M',
      code: 'INVALID_UDF',
      names: /not a known type byte/,
    },
    {
      description: 'a fingerprint cut mid-group',
      text: hello.slice(0, -1),
      code: 'INVALID_UDF',
      names: /multiple of 20 bits/,
    },
    {
      description: 'a fingerprint under 100 bits',
      text: 'MCYB-W67L-FAGM-YQGR',
      code: 'INVALID_UDF',
      names: /under the minimum of 100/,
    },
    {
      description: 'a fingerprint over 520 bits',
      text: `${'MCYB-'.repeat(27)}MCYB`,
      code: 'INVALID_UDF',
      names: /at most 520/,
    },
    {
      description: 'a character outside Base32',
      text: 'MCYB-W67L-FAGM-YQGR-JJ6M-5ZYC-KGW1',
      code: 'INVALID_UDF',
      names: /"1" is not Base32/,
    },
    {
      description: 'a nonce with a character missing',
      text: 'NAAA-CAQD-AQCQ-MBYI-BEFA-WDAN-BYH',
      code: 'INVALID_UDF',
      names: /missing or extra/,
    },
    {
      description: 'a nonce with non-zero fill bits',
      text: 'NAAA-CAQD-AQCQ-MBYI-BEFA-WDAN-BYHR',
      code: 'INVALID_UDF',
      names: /missing or extra/,
    },
    {
      description: 'a nonce too short to be one',
      text: 'NAAA-CAQD',
      code: 'INVALID_UDF',
      names: /too short for a nonce \(4 bytes; 16 to 256\)/,
    },
    { description: 'an empty text', text: ' - ', code: 'INVALID_UDF', names: /too short/ },
  ];
  it.each(mutations)('rejects $description', ({ text, expectType, code, names }) => {
    const error = caught(() => parseUdf(text, expectType === undefined ? {} : { expectType }));
    expect(isMeshError(error, code)).toBe(true);
    expect((error as Error).message).toMatch(names);
  });
});

describe('udfMatches', () => {
  const long = udfFromData(utf8('Hello World'), 'text/plain', { bits: 260 });
  const short = udfFromData(utf8('Hello World'), 'text/plain', { bits: 100 });
  const other = udfFromData(utf8('Hello World!'), 'text/plain', { bits: 260 });

  it('matches the same value at different precisions, in either order and any case', () => {
    expect(udfMatches(long, short)).toBe(true);
    expect(udfMatches(short.toLowerCase(), long.replaceAll('-', ''))).toBe(true);
  });

  it('does not match another value, or another type with the same digest bits', () => {
    expect(udfMatches(short, other)).toBe(false);
    const sha3 = udfFromData(utf8('Hello World'), 'text/plain', { algorithm: 'sha3-512' });
    expect(udfMatches(short, sha3)).toBe(false);
    const nonce = randomNonce();
    expect(udfMatches(nonce, nonce.toLowerCase())).toBe(true);
    expect(udfMatches(nonce, randomNonce())).toBe(false);
  });

  it('throws INVALID_UDF rather than answering for a text that is no UDF', () => {
    expect(
      isMeshError(
        caught(() => udfMatches(short, 'not a udf')),
        'INVALID_UDF',
      ),
    ).toBe(true);
  });
});

describe('random values', () => {
  it('gives nonces of the requested size, each different', () => {
    const nonce = randomNonce();
    expect(nonce).toMatch(/^N[A-Z2-7]{3}(-[A-Z2-7]{4}){6}$/);
    expect(parseUdf(nonce, { expectType: UDF_TYPE.nonce }).bytes.length).toBe(17);
    expect(parseUdf(randomNonce(256)).bytes.length).toBe(33);
    expect(new Set(Array.from({ length: 50 }, () => randomNonce())).size).toBe(50);
  });

  it('gives 256-bit secrets by default, starting with Z (type 200)', () => {
    const secret = randomSecret();
    expect(secret[0]).toBe('Z');
    expect(parseUdf(secret).bytes.length).toBe(33);
  });

  it.each([0, 64, 100, 2056])('rejects %i bits', (bits) => {
    expect(
      isMeshError(
        caught(() => randomNonce(bits)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isMeshError(
        caught(() => randomSecret(bits)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });
});

describe('udfSchema', () => {
  it('accepts a UDF of the expected type and names the problem otherwise', () => {
    const schema = udfSchema(UDF_TYPE.nonce);
    const nonce = randomNonce();
    expect(schema.parse(nonce)).toBe(nonce);
    const result = schema.safeParse('MCYB-W67L-FAGM-YQGR-JJ6M');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/expected a nonce/);
    expect(udfSchema().safeParse(42).success).toBe(false);
  });

  it('still names a wrong type for a UDF it has already found valid', () => {
    const nonce = randomNonce();
    expect(udfSchema().parse(nonce)).toBe(nonce);
    expect(udfSchema(UDF_TYPE.nonce).parse(nonce)).toBe(nonce);
    const result = udfSchema(UDF_TYPE.secret).safeParse(nonce);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/expected a secret/);
    // A text found invalid stays invalid, with its reason each time.
    for (let i = 0; i < 2; i++) {
      expect(udfSchema().safeParse('NOT-A-UDF!').error?.issues[0]?.message).toMatch(/Base32/);
    }
  });
});

describeInterop('the Mesh drafts and the reference implementation (vectors/vectors.json)', () => {
  const vectors = interopVectors();
  it('holds the vectors file', () => {
    expect(vectors.udf.length).toBeGreaterThanOrEqual(10);
  });
  it.each(vectors.udf.map((vector) => [vector.id, vector] as const))('%s', (_id, vector) => {
    const algorithm = vector.alg === 'sha3' ? 'sha3-512' : 'sha2-512';
    // The draft's precisions (125, 260) are not whole groups: compare on the longest whole one.
    const bits = Math.min(Math.floor(vector.bits / 20) * 20, 520);
    const made = udfFromData(utf8(vector.data), vector.type, { algorithm, bits });
    expect(vector.udf.replaceAll('-', '').startsWith(made.replaceAll('-', ''))).toBe(true);
    expect(udfMatches(made, vector.udf)).toBe(true);
  });
});

describe('compression (draft-hallambaker-mesh-udf-13 §5.1.3)', () => {
  it('raises the type byte when the digest ends in 20 or more zero bits, and only then', () => {
    expect(udfFromData(utf8('UDF Compressed Document 4187123'), 'text/plain')).toBe(
      'MGHB-JWIZ-J3LA-EEWD-GCT3-WX6H-C5W2',
    );
    expect(
      udfFromData(utf8('UDF Compressed Document 774665'), 'text/plain', {
        algorithm: 'sha3-512',
      }),
    ).toBe('KEJI-Y225-BDUG-XX22-MXKE-5ITF-YVYM');
    // Leading zero bits do not compress (the reference's TestKeyless vector).
    expect(udfFromData(utf8('290668103'), 'text/plain')).toBe('MAAA-AAB3-VVFO-FE2C-LRWO-SCAA-HVFI');
  });

  it('counts trailing zero bits into levels 1 to 4', () => {
    const digest = new Uint8Array(64).fill(0xff);
    expect(udfCompressionLevel(digest)).toBe(0);
    const zeroBits = (count: number) => {
      const value = new Uint8Array(64).fill(0xff);
      for (let bit = 0; bit < count; bit++) value[63 - (bit >> 3)]! &= ~(1 << (bit & 7));
      return value;
    };
    expect(udfCompressionLevel(zeroBits(19))).toBe(0);
    expect(udfCompressionLevel(zeroBits(20))).toBe(1);
    expect(udfCompressionLevel(zeroBits(29))).toBe(1);
    expect(udfCompressionLevel(zeroBits(30))).toBe(2);
    expect(udfCompressionLevel(zeroBits(40))).toBe(3);
    expect(udfCompressionLevel(zeroBits(50))).toBe(4);
    expect(udfCompressionLevel(new Uint8Array(64))).toBe(4);
  });

  it('compares a compressed UDF equal to the uncompressed one stored before', () => {
    const compressed = 'MGHB-JWIZ-J3LA-EEWD-GCT3-WX6H-C5W2';
    const uncompressed = 'MCHB-JWIZ-J3LA-EEWD-GCT3-WX6H-C5W2';
    expect(udfMatches(compressed, uncompressed)).toBe(true);
    expect(udfMatches(uncompressed, compressed.slice(0, 24))).toBe(true);
    expect(
      udfMatches('KEJI-Y225-BDUG-XX22-MXKE-5ITF-YVYM', 'KAJI-Y225-BDUG-XX22-MXKE-5ITF-YVYM'),
    ).toBe(true);
    // One digest bit apart, or another family, is another value.
    expect(udfMatches(compressed, 'MCHB-JWIZ-J3LA-EEWD-GCT3-WX6H-C5W3')).toBe(false);
    expect(udfMatches(compressed, 'KAHB-JWIZ-J3LA-EEWD-GCT3-WX6H-C5W2')).toBe(false);
    expect(uncompressedUdf(compressed.toLowerCase())).toBe(uncompressed);
    expect(uncompressedUdf(uncompressed)).toBe(uncompressed);
    expect(parseUdf(compressed).typeByte).toBe(97);
    expect(udfBaseType(97)).toBe(UDF_TYPE.sha2_512);
    expect(udfBaseType(84)).toBe(UDF_TYPE.sha3_512);
    expect(udfBaseType(UDF_TYPE.share)).toBe(UDF_TYPE.share);
  });
});
