import { describe, expect, it } from 'vitest';
import {
  AMBIGUOUS_CHARACTERS,
  CHARACTER_CLASSES,
  countWithEachClass,
  generatePassphrase,
  generatePassword,
  log2BigInt,
} from '../../../electron/core/passwords/password-generator';
import { RandomIndex } from '../../../electron/core/passwords/random-index';
import type { RandomSource } from '../../../electron/core/passwords/random-index';
import { EFF_LARGE_WORD_COUNT, effLargeWordList } from '../../../electron/core/passwords/word-list';

/** A source that hands out the given values, then fails the test if asked for more. */
function scripted(values: number[]): RandomSource & { used: () => number } {
  let at = 0;
  const source = (buffer: Uint32Array) => {
    for (let i = 0; i < buffer.length; i += 1) buffer[i] = values[at + i] ?? 0;
    at += buffer.length;
  };
  return Object.assign(source, { used: () => at });
}

describe('RandomIndex: unbiased choices by rejection sampling', () => {
  it('rejects values at or above the largest multiple of n', () => {
    // 2^32 mod 3 = 1, so 0xFFFFFFFF is the one value that must be drawn again.
    const random = new RandomIndex(scripted([0xffffffff, 0xffffffff, 7]));
    expect(random.below(3)).toBe(7 % 3);
  });

  it('accepts the largest value below the limit', () => {
    const random = new RandomIndex(scripted([0xfffffffe]));
    expect(random.below(3)).toBe(0xfffffffe % 3);
  });

  it('is uniform over many draws (chi-square, 9 degrees of freedom)', () => {
    const random = new RandomIndex();
    const counts = new Array<number>(10).fill(0);
    const draws = 50_000;
    for (let i = 0; i < draws; i += 1) counts[random.below(10)]! += 1;
    const expected = draws / 10;
    const chi = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(45); // p < 1e-6 under uniformity
  });

  it('refuses impossible ranges', () => {
    expect(() => new RandomIndex().below(0)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('generatePassword', () => {
  it('draws only from the chosen classes and includes each', () => {
    for (let i = 0; i < 200; i += 1) {
      const { secret } = generatePassword({ length: 8, classes: ['lowercase', 'digits'] });
      expect(secret).toMatch(/^[a-z0-9]{8}$/);
      expect(secret).toMatch(/[a-z]/);
      expect(secret).toMatch(/[0-9]/);
    }
  });

  it('has every class even at the minimum length', () => {
    for (let i = 0; i < 200; i += 1) {
      const { secret } = generatePassword({ length: 4 });
      expect(secret).toMatch(/[a-z]/);
      expect(secret).toMatch(/[A-Z]/);
      expect(secret).toMatch(/[0-9]/);
      expect([...secret].some((c) => CHARACTER_CLASSES.symbols.includes(c))).toBe(true);
    }
  });

  it('leaves out ambiguous and excluded characters', () => {
    const text = Array.from(
      { length: 50 },
      () => generatePassword({ length: 64, excludeAmbiguous: true, exclude: '<>&' }).secret,
    ).join('');
    for (const c of AMBIGUOUS_CHARACTERS + '<>&') expect(text).not.toContain(c);
  });

  it('reports entropy: log2 of the number of valid passwords', () => {
    const all = generatePassword({ length: 20 });
    expect(all.secret).toHaveLength(20);
    expect(all.kind).toBe('password');
    // 94^20 less the strings missing a class: a little under 20 * log2(94) = 131.09.
    expect(all.entropyBits).toBeLessThan(20 * Math.log2(94));
    expect(all.entropyBits).toBeGreaterThan(130.9);
    const free = generatePassword({ length: 16, classes: ['digits'], requireEachClass: false });
    expect(free.entropyBits).toBeCloseTo(16 * Math.log2(10), 10);
  });

  it('counts strings with every class exactly (checked by enumeration)', () => {
    const sizes = [2, 3];
    let brute = 0;
    for (let n = 0; n < 5 ** 4; n += 1) {
      const digits = [
        n % 5,
        Math.floor(n / 5) % 5,
        Math.floor(n / 25) % 5,
        Math.floor(n / 125) % 5,
      ];
      if (digits.some((d) => d < 2) && digits.some((d) => d >= 2)) brute += 1;
    }
    expect(countWithEachClass(sizes, 4)).toBe(BigInt(brute));
    expect(log2BigInt(2n ** 200n)).toBeCloseTo(200, 10);
    expect(log2BigInt(3n ** 100n)).toBeCloseTo(100 * Math.log2(3), 8);
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 100 }, () => generatePassword().secret));
    expect(seen.size).toBe(100);
  });

  it.each([
    [{ length: 3 }, 'length'],
    [{ length: 1025 }, 'length'],
    [{ classes: [] }, 'classes'],
    [{ classes: ['digits'], exclude: '0123456789' }, 'classes'],
    [
      {
        length: 4,
        classes: ['digits', 'symbols', 'lowercase', 'uppercase', 'digits'],
        excludeAmbiguous: true,
      },
      null,
    ],
  ] as const)('validates %j', (options, field) => {
    if (field === null) {
      expect(generatePassword(options).secret).toHaveLength(4);
    } else {
      expect(() => generatePassword(options)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field } }),
      );
    }
  });
});

describe('generatePassphrase (EFF large word list)', () => {
  it('ships the EFF large list: 7,776 distinct words, abacus to zoom', () => {
    const list = effLargeWordList();
    expect(list).toHaveLength(EFF_LARGE_WORD_COUNT);
    expect(new Set(list).size).toBe(7776);
    expect(list[0]).toBe('abacus');
    expect(list[7775]).toBe('zoom');
    expect(list).toContain('unsubtle');
  });

  it('joins words from the list with the separator', () => {
    const words = new Set(effLargeWordList());
    const { secret, entropyBits, kind } = generatePassphrase({ words: 7, separator: ' ' });
    expect(kind).toBe('passphrase');
    const parts = secret.split(' ');
    expect(parts).toHaveLength(7);
    for (const part of parts) expect(words.has(part)).toBe(true);
    expect(entropyBits).toBeCloseTo(7 * Math.log2(7776), 10);
  });

  it('capitalises and adds a number when asked, and counts the number in the entropy', () => {
    const { secret, entropyBits } = generatePassphrase({
      words: 5,
      capitalize: true,
      includeNumber: true,
      separator: '.',
    });
    const parts = secret.split('.');
    expect(parts).toHaveLength(5);
    for (const part of parts) expect(part).toMatch(/^[A-Z][a-z]+\d?$/);
    expect(parts.filter((p) => /\d$/.test(p))).toHaveLength(1);
    expect(entropyBits).toBeCloseTo(5 * Math.log2(7776) + Math.log2(50), 10);
  });

  it('picks the words the random source says', () => {
    const list = effLargeWordList();
    const { secret } = generatePassphrase({ words: 3, random: scripted([0, 7775, 1]) });
    expect(secret).toBe(`${list[0]}-${list[7775]}-${list[1]}`);
  });

  it.each([
    [{ words: 0 }, 'words'],
    [{ separator: 'x' }, 'separator'],
    [{ separator: '' }, 'separator'],
    [{ wordList: ['same', 'same'] }, 'wordList'],
  ] as const)('validates %j', (options, field) => {
    expect(() => generatePassphrase(options)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field } }),
    );
  });
});
