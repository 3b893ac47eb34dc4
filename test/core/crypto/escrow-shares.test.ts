import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { isMeshError } from '../../../shared/errors';
import { UDF_TYPE, parseUdf, udfFromTypedBytes } from '../../../shared/udf';
import { recoverSecret, splitSecret } from '../../../electron/core/crypto/escrow-shares';

const seed = () => new Uint8Array(randomBytes(32));

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [head, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((subset) => [head, ...subset]), ...subsets(rest, size)];
}

// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (0x11B, the AES field), written out
// here independently of the library, to build shares by hand from a known polynomial.
function gfMultiply(a: number, b: number): number {
  let product = 0;
  for (let bit = 0; bit < 8; bit++) {
    if (b & (1 << bit)) product ^= a;
    a = a & 0x80 ? ((a << 1) ^ 0x11b) & 0xff : a << 1;
  }
  return product;
}
const rfc4648 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(bytes: Uint8Array): string {
  const bits = [...bytes].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  let text = '';
  for (let i = 0; i < bits.length; i += 5)
    text += rfc4648[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return text.match(/.{1,4}/g)!.join('-');
}

describe('share layout', () => {
  it('is type 144, threshold and index in the first data byte, a 5-byte SHA-512 checksum', async () => {
    const secret = seed();
    const shares = await splitSecret(secret, { shares: 5, threshold: 3 });
    expect(shares).toHaveLength(5);
    shares.forEach((share, position) => {
      // 40 bytes for a 32-byte seed: 64 characters, 16 full groups, starting with S (0x90).
      expect(share).toMatch(/^S[A-Z2-7]{3}(-[A-Z2-7]{4}){15}$/);
      const bytes = parseUdf(share, { expectType: UDF_TYPE.share }).bytes;
      expect(bytes).toHaveLength(40);
      expect(bytes[1]).toBe((3 << 4) | position);
      const sum = createHash('sha512').update(bytes.subarray(0, 35)).digest().subarray(0, 5);
      expect(Buffer.from(bytes.subarray(35))).toEqual(sum);
      // The library's share never contains the secret itself.
      expect(Buffer.from(bytes).includes(Buffer.from(secret))).toBe(false);
    });
    expect(new Set(shares).size).toBe(5);
  });

  it('recovers shares built by hand from a known polynomial (independent GF(2^8) arithmetic)', async () => {
    // Secret bytes s_i and polynomial f_i(x) = s_i + a_i x + b_i x^2 (threshold 3), evaluated at
    // x = 7, 100, 201; each share: y bytes then x, as the library lays them out.
    const secret = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
    const a = Uint8Array.from({ length: 16 }, (_, i) => (i * 91 + 5) & 0xff);
    const b = Uint8Array.from({ length: 16 }, (_, i) => (i * 53 + 200) & 0xff);
    const texts = [7, 100, 201].map((x, position) => {
      const piece = new Uint8Array(17);
      for (let i = 0; i < 16; i++) {
        piece[i] = secret[i]! ^ gfMultiply(a[i]!, x) ^ gfMultiply(b[i]!, gfMultiply(x, x));
      }
      piece[16] = x;
      const body = Buffer.concat([Buffer.from([144, (3 << 4) | position]), piece]);
      const sum = createHash('sha512').update(body).digest().subarray(0, 5);
      const text = base32(Buffer.concat([body, sum]));
      expect(udfFromTypedBytes(144, Buffer.concat([body.subarray(1), sum]))).toBe(text);
      return text;
    });
    await expect(recoverSecret(texts)).resolves.toEqual(secret);
    await expect(recoverSecret([texts[2]!, texts[0]!, texts[1]!])).resolves.toEqual(secret);
  });
});

describe('recoverSecret', () => {
  it('recovers from every subset of 3, 4 and 5 shares of a 3-of-5 split', async () => {
    const secret = seed();
    const shares = await splitSecret(secret, { shares: 5, threshold: 3 });
    const all = [3, 4, 5].flatMap((size) => subsets(shares, size));
    expect(all).toHaveLength(16);
    for (const subset of all) await expect(recoverSecret(subset)).resolves.toEqual(secret);
  });

  it('recovers for many (k, n), from shares in any order, lower case and without dashes', async () => {
    const plans = [
      [2, 2],
      [2, 3],
      [3, 3],
      [4, 7],
      [5, 9],
      [7, 15],
      [15, 15],
    ] as const;
    for (const [threshold, count] of plans) {
      for (const length of [16, 32, 64]) {
        const secret = new Uint8Array(randomBytes(length));
        const shares = await splitSecret(secret, { shares: count, threshold });
        const shuffled = [...shares].sort(() => Math.random() - 0.5);
        const chosen = shuffled.slice(
          0,
          threshold + ((threshold * length) % (count - threshold + 1)),
        );
        const typed = chosen.map((share, i) =>
          i % 2 ? share.toLowerCase() : share.replaceAll('-', ''),
        );
        await expect(recoverSecret(typed)).resolves.toEqual(secret);
      }
    }
  });

  it('names a lost last character among several shares whatever its fill bits', async () => {
    // A 64-character share cut to 63 decodes to 39 whole bytes whenever the 3 fill bits left
    // are zero (1 time in 8), so the length cannot be what catches it: 40 splits cover both.
    for (let round = 0; round < 40; round++) {
      const [first, second] = await splitSecret(seed(), { shares: 3, threshold: 2 });
      const error = await rejection(recoverSecret([first!, second!.slice(0, -1)]));
      expect(error.code).toBe('INVALID_SHARE');
      expect(error.message).toMatch(/share 2 of 2 is not a share: .*missing or extra/);
      expect(error.details.share).toBe(2);
    }
  });

  it('says a lone share with a lost character may be missing one', async () => {
    for (let round = 0; round < 16; round++) {
      const [only] = await splitSecret(seed(), { shares: 3, threshold: 2 });
      const error = await rejection(recoverSecret([only!.slice(0, -1)]));
      expect(error.code).toBe('INVALID_SHARE');
      expect(error.message).toMatch(
        /^the share (is not a share: .*missing or extra|does not check: .*missing or extra)/,
      );
    }
  });

  it('detects every single mistyped character and every swap of two neighbours', async () => {
    const shares = await splitSecret(seed(), { shares: 3, threshold: 2 });
    const characters = shares[1]!.replaceAll('-', '');
    let tried = 0;
    for (let position = 0; position < characters.length; position++) {
      for (const replacement of rfc4648) {
        if (replacement === characters[position]) continue;
        const typo = characters.slice(0, position) + replacement + characters.slice(position + 1);
        const error = await rejection(recoverSecret([shares[0]!, typo]));
        expect(error.code).toBe('INVALID_SHARE');
        expect(error.details.share).toBe(2);
        tried++;
      }
      const next = characters[position + 1];
      if (next !== undefined && next !== characters[position]) {
        const swapped =
          characters.slice(0, position) +
          next +
          characters[position] +
          characters.slice(position + 2);
        expect((await rejection(recoverSecret([shares[0]!, swapped]))).details.share).toBe(2);
      }
    }
    expect(tried).toBe(64 * 31);
  });

  // Negative cases as data: one mutation each, what it must say and which share it names.
  const cases: {
    description: string;
    shares: () => Promise<string[]>;
    message: RegExp;
    share?: number;
  }[] = [
    {
      description: 'a mistyped character',
      shares: async () => {
        const [first, second] = await splitSecret(seed(), { shares: 3, threshold: 2 });
        const typo = `${second!.slice(0, 10)}${second![10] === 'A' ? 'B' : 'A'}${second!.slice(11)}`;
        return [first!, typo];
      },
      message: /share 2 of 2 does not check/,
      share: 2,
    },
    {
      description: 'a missing character',
      shares: async () => {
        const [first, second] = await splitSecret(seed(), { shares: 3, threshold: 2 });
        return [first!, second!.slice(0, -1)];
      },
      message: /share 2 of 2 is not a share: .*missing or extra/,
      share: 2,
    },
    {
      description: 'too few shares',
      shares: async () => (await splitSecret(seed(), { shares: 5, threshold: 3 })).slice(0, 2),
      message: /3 are needed, 2 given/,
    },
    {
      description: 'one share alone',
      shares: async () => (await splitSecret(seed(), { shares: 5, threshold: 3 })).slice(0, 1),
      message: /3 are needed, 1 given/,
    },
    {
      description: 'the same share twice',
      shares: async () => {
        const [first, second] = await splitSecret(seed(), { shares: 3, threshold: 2 });
        return [second!, first!, second!.toLowerCase()];
      },
      message: /shares 1 and 3 are both share number 2/,
      share: 3,
    },
    {
      description: 'mixed thresholds',
      shares: async () => [
        (await splitSecret(seed(), { shares: 3, threshold: 2 }))[0]!,
        (await splitSecret(seed(), { shares: 5, threshold: 3 }))[1]!,
        (await splitSecret(seed(), { shares: 5, threshold: 3 }))[2]!,
      ],
      message: /share 2 needs 3 shares but share 1 needs 2/,
      share: 2,
    },
    {
      description: 'shares of secrets of different lengths',
      shares: async () => [
        (await splitSecret(seed(), { shares: 2, threshold: 2 }))[0]!,
        (await splitSecret(new Uint8Array(16), { shares: 2, threshold: 2 }))[1]!,
      ],
      message: /share 2 is of a 16-byte secret but share 1 of a 32-byte one/,
      share: 2,
    },
    {
      description: 'a secret UDF instead of a share',
      shares: async () => [
        (await splitSecret(seed(), { shares: 2, threshold: 2 }))[0]!,
        udfFromTypedBytes(UDF_TYPE.secret, seed()),
      ],
      message: /share 2 of 2 is not a share: expected a secret share/,
      share: 2,
    },
    { description: 'no shares at all', shares: async () => [], message: /none given/ },
  ];
  it.each(cases)('rejects $description', async ({ shares, message, share }) => {
    const error = await rejection(recoverSecret(await shares()));
    expect(error.code).toBe('INVALID_SHARE');
    expect(error.message).toMatch(message);
    if (share !== undefined) expect(error.details.share).toBe(share);
  });
});

describe('splitSecret', () => {
  it.each([
    { shares: 16, threshold: 2, why: 'more than 15 shares' },
    { shares: 3, threshold: 1, why: 'a threshold of 1' },
    { shares: 3, threshold: 4, why: 'a threshold above the share count' },
    { shares: 2.5, threshold: 2, why: 'a fractional count' },
  ])('rejects $why', async ({ shares, threshold }) => {
    expect(
      isMeshError(await rejection(splitSecret(seed(), { shares, threshold })), 'INVALID_ARGUMENT'),
    ).toBe(true);
  });

  it('rejects secrets under 16 or over 64 bytes', async () => {
    for (const length of [0, 15, 65]) {
      const error = await rejection(
        splitSecret(new Uint8Array(length), { shares: 3, threshold: 2 }),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
    }
  });
});
