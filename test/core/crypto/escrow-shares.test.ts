import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { split as legacySplit } from 'shamir-secret-sharing';
import { isMeshError } from '../../../shared/errors';
import { UDF_TYPE, parseUdf, udfFromTypedBytes } from '../../../shared/udf';
import {
  checkShare,
  recoverSecret,
  sharePrime,
  splitSecret,
} from '../../../electron/core/crypto/escrow-shares';
import { describeInterop, interopVectors } from '../../support/interop-data';

const seed = () => new Uint8Array(randomBytes(32));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

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

// An independent reading of draft-hallambaker-mesh-udf-13 §4.5.2, written out here with plain
// BigInt arithmetic (inverse by Fermat's little theorem), to check the module against.
function power(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}
function draftRecover(shares: string[]): bigint {
  const points = shares.map((share) => {
    const bytes = parseUdf(share.split('/')[0]!).bytes;
    return {
      threshold: bytes[1]! >> 4,
      x: BigInt((bytes[1]! & 0x0f) + 1),
      y: BigInt(`0x${hex(bytes.subarray(2))}`),
      bytes: bytes.length - 2,
    };
  });
  const p = (1n << BigInt(8 * points[0]!.bytes)) + (points[0]!.bytes === 16 ? 51n : 297n);
  const used = points.slice(0, points[0]!.threshold);
  let secret = 0n;
  for (const { x, y } of used) {
    let numerator = 1n;
    let denominator = 1n;
    for (const other of used) {
      if (other.x === x) continue;
      numerator = (numerator * (p - other.x)) % p;
      denominator = (denominator * ((x - other.x + p) % p)) % p;
    }
    secret = (secret + y * numerator * power(denominator, p - 2n, p)) % p;
  }
  return secret;
}

describeInterop(
  'interoperability with the draft and the reference tools (vectors/vectors.json)',
  () => {
    const vectors = interopVectors();
    it('holds the vectors file', () => {
      expect(vectors.shamir.length).toBeGreaterThanOrEqual(3);
    });
    it.each(vectors.shamir.map((vector) => [vector.id, vector] as const))(
      '%s recovers',
      async (_id, vector) => {
        expect(vector.prime).toBe('2^128+51');
        expect(sharePrime(16)).toBe(2n ** 128n + 51n);
        await expect(recoverSecret(vector.shares).then(hex)).resolves.toBe(vector.secret);
        // Any order, lower case, no dashes.
        const typed = [...vector.shares]
          .reverse()
          .map((share) => share.toLowerCase().replaceAll('-', ''));
        await expect(recoverSecret(typed).then(hex)).resolves.toBe(vector.secret);
      },
    );
    it('recovers the draft example from every 3 of its 5 shares', async () => {
      const vector = vectors.shamir.find(
        (candidate) => candidate.id === 'draft13-4.5.2-alice-1-2-3',
      );
      const five = vectors.shamir.find((candidate) => candidate.id === 'draft13-4.5.2-alice-5-3-1');
      const all = [...new Set([...vector!.shares, ...five!.shares])];
      expect(all.length).toBe(4);
      for (const subset of subsets(all, 3)) {
        await expect(recoverSecret(subset).then(hex)).resolves.toBe(vector!.secret);
      }
    });
  },
);

describe('share layout (draft-hallambaker-mesh-udf-13 §4.5.2)', () => {
  it('is type 144, threshold << 4 | index - 1, then f(index) big-endian; a check word beside', async () => {
    const secret = seed();
    const shares = await splitSecret(secret, { shares: 5, threshold: 3 });
    expect(shares).toHaveLength(5);
    shares.forEach((share, position) => {
      // 34 bytes for a 32-byte seed: 55 characters; then "/" and 8 check characters.
      expect(share).toMatch(
        /^S[A-Z2-7]{3}(-[A-Z2-7]{4}){12}-[A-Z2-7]{3}\/[A-Z2-7]{4}-[A-Z2-7]{4}$/,
      );
      const bytes = parseUdf(share.split('/')[0]!, { expectType: UDF_TYPE.share }).bytes;
      expect(bytes).toHaveLength(34);
      expect(bytes[1]).toBe((3 << 4) | position);
      expect(BigInt(`0x${hex(bytes.subarray(2))}`) < 2n ** 256n).toBe(true);
    });
    // The check words share the split identifier (their first 20 bits).
    expect(new Set(shares.map((share) => share.split('/')[1]!.slice(0, 4))).size).toBe(1);
    expect(new Set(shares).size).toBe(5);
    expect(draftRecover(shares.slice(2))).toBe(BigInt(`0x${hex(secret)}`));
  });

  it('recovers with the draft arithmetic (independent BigInt), from the bare shares too', async () => {
    for (const length of [16, 32]) {
      const secret = new Uint8Array(randomBytes(length));
      const shares = await splitSecret(secret, { shares: 4, threshold: 3 });
      for (const subset of subsets(shares, 3)) {
        expect(draftRecover(subset)).toBe(BigInt(`0x${hex(secret)}`));
        const bare = subset.map((share) => share.split('/')[0]!);
        await expect(recoverSecret(bare)).resolves.toEqual(secret);
      }
    }
  });

  it('uses the reference primes, 2^128 + 51 and 2^256 + 297', () => {
    expect(sharePrime(16)).toBe(2n ** 128n + 51n);
    expect(sharePrime(32)).toBe(2n ** 256n + 297n);
    expect(() => sharePrime(17)).toThrow();
  });
});

describe('shares of the earlier format (GF(2^8), checksum inside)', () => {
  // The layout the project wrote before: 0x90, threshold << 4 | position, the library's piece,
  // the first 5 bytes of SHA-512 over all that.
  async function legacyShares(secret: Uint8Array, count: number, threshold: number) {
    const pieces = await legacySplit(secret, count, threshold);
    return pieces.map((piece, position) => {
      const body = Buffer.concat([Buffer.from([144, (threshold << 4) | position]), piece]);
      const sum = createHash('sha512').update(body).digest().subarray(0, 5);
      return udfFromTypedBytes(144, Buffer.concat([body.subarray(1), sum]));
    });
  }

  it('still recover, and a typo in one is named', async () => {
    const secret = seed();
    const shares = await legacyShares(secret, 3, 2);
    await expect(recoverSecret([shares[2]!, shares[0]!])).resolves.toEqual(secret);
    const typo = shares[1]!.replace(/-(.)/, (_, c: string) => `-${c === 'Q' ? 'R' : 'Q'}`);
    const error = await rejection(recoverSecret([shares[0]!, typo]));
    expect(error).toMatchObject({ code: 'INVALID_SHARE', details: { share: 2 } });
  });

  it('are not mixed with shares of the current format', async () => {
    const old = await legacyShares(seed(), 3, 2);
    const current = await splitSecret(seed(), { shares: 3, threshold: 2 });
    const error = await rejection(recoverSecret([current[0]!, old[1]!]));
    expect(error.message).toMatch(/share 2 is of the earlier format/);
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

  it('recovers for many (k, n) and secret sizes, in any order, lower case, without dashes', async () => {
    const plans = [
      [2, 2],
      [2, 3],
      [4, 7],
      [7, 15],
      [15, 15],
    ] as const;
    for (const [threshold, count] of plans) {
      for (const length of [16, 20, 32, 64]) {
        const secret = new Uint8Array(randomBytes(length));
        const shares = await splitSecret(secret, { shares: count, threshold });
        const chosen = [...shares].reverse().slice(0, threshold);
        const typed = chosen.map((share, i) =>
          i % 2 ? share.toLowerCase() : share.replaceAll('-', ''),
        );
        await expect(recoverSecret(typed)).resolves.toEqual(secret);
      }
    }
  });

  it('detects every single mistyped character of a share or its check word', async () => {
    const shares = await splitSecret(seed(), { shares: 3, threshold: 2 });
    const [udf, word] = shares[1]!.split('/') as [string, string];
    const characters = udf.replaceAll('-', '') + '/' + word.replaceAll('-', '');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let tried = 0;
    for (let position = 0; position < characters.length; position++) {
      if (characters[position] === '/') continue;
      for (const replacement of alphabet) {
        if (replacement === characters[position]) continue;
        const typo = characters.slice(0, position) + replacement + characters.slice(position + 1);
        const error = await rejection(recoverSecret([shares[0]!, typo]));
        expect(error.code).toBe('INVALID_SHARE');
        expect(error.details.share).toBe(2);
        tried++;
      }
    }
    expect(tried).toBe((55 + 8) * 31);
  });

  it('names a lost character among several shares', async () => {
    for (let round = 0; round < 10; round++) {
      const [first, second] = await splitSecret(seed(), { shares: 3, threshold: 2 });
      const [udf, word] = second!.split('/') as [string, string];
      const error = await rejection(recoverSecret([first!, `${udf.slice(0, -1)}/${word}`]));
      expect(error.code).toBe('INVALID_SHARE');
      expect(error.message).toMatch(/share 2 of 2 is not a share: .*missing or extra/);
    }
  });

  it('refuses shares of two different splits of one secret before recovering', async () => {
    const secret = seed();
    const one = await splitSecret(secret, { shares: 3, threshold: 2 });
    let two = await splitSecret(secret, { shares: 3, threshold: 2 });
    // Split identifiers are 20 random bits: draw again in the rare case they collide.
    while (two[0]!.split('/')[1]!.slice(0, 4) === one[0]!.split('/')[1]!.slice(0, 4)) {
      two = await splitSecret(secret, { shares: 3, threshold: 2 });
    }
    const error = await rejection(recoverSecret([one[0]!, two[1]!]));
    expect(error).toMatchObject({ code: 'INVALID_SHARE', details: { share: 2 } });
    expect(error.message).toBe('share 2 comes from another split than share 1');
  });

  // Negative cases as data: one mutation each, what it must say and which share it names.
  const cases: {
    description: string;
    shares: () => Promise<string[]>;
    message: RegExp;
    share?: number;
  }[] = [
    {
      description: 'too few shares',
      shares: async () => (await splitSecret(seed(), { shares: 4, threshold: 3 })).slice(0, 2),
      message: /3 are needed, 2 given/,
    },
    {
      description: 'the same share twice',
      shares: async () => {
        const shares = await splitSecret(seed(), { shares: 4, threshold: 3 });
        return [shares[1]!, shares[0]!, shares[1]!];
      },
      message: /shares 1 and 3 are both share number 2/,
      share: 3,
    },
    {
      description: 'mixed thresholds',
      shares: async () => {
        const secret = seed();
        const two = await splitSecret(secret, { shares: 3, threshold: 2 });
        const three = await splitSecret(secret, { shares: 3, threshold: 3 });
        return [two[0]!.split('/')[0]!, three[1]!.split('/')[0]!];
      },
      message: /share 2 needs 3 shares but share 1 needs 2/,
      share: 2,
    },
    {
      description: 'shares of secrets of different lengths',
      shares: async () => [
        (await splitSecret(seed(), { shares: 2, threshold: 2 }))[0]!.split('/')[0]!,
        (await splitSecret(new Uint8Array(16), { shares: 2, threshold: 2 }))[1]!.split('/')[0]!,
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
    {
      description: 'a check word that is not Base32',
      shares: async () => [
        (await splitSecret(seed(), { shares: 2, threshold: 2 }))[0]!,
        `${(await splitSecret(seed(), { shares: 2, threshold: 2 }))[1]!.split('/')[0]!}/ABC1-DEFG`,
      ],
      message: /share 2 of 2: the check word/,
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

  it('rejects secrets under 16 or over 64 bytes, or not a multiple of 4', async () => {
    for (const length of [0, 15, 17, 65, 68]) {
      const error = await rejection(
        splitSecret(new Uint8Array(length), { shares: 3, threshold: 2 }),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('checkShare (one share, as it is typed)', () => {
  it('says threshold, number and size, and whether a check word vouched for it', async () => {
    const shares = await splitSecret(seed(), { shares: 5, threshold: 3 });
    expect(checkShare(shares[3]!)).toEqual({
      threshold: 3,
      index: 4,
      secretBytes: 32,
      checked: true,
      earlierFormat: false,
    });
    expect(checkShare(shares[3]!.split('/')[0]!)).toMatchObject({ index: 4, checked: false });
    const typo = shares[3]!.replace(/-(.)/, (_, c: string) => `-${c === 'Q' ? 'R' : 'Q'}`);
    expect(() => checkShare(typo)).toThrow(
      expect.objectContaining({
        code: 'INVALID_SHARE',
        message: expect.stringMatching(/^the share does not check/),
      }),
    );
  });
});
