import { MeshError } from '../../../shared/errors';
import { RandomIndex } from './random-index';
import type { RandomSource } from './random-index';
import { effLargeWordList } from './word-list';

/**
 * Generated passwords and passphrases (docs/architecture.md section 12), from a cryptographic
 * random source with unbiased choices (random-index.ts). Each result reports its entropy: the
 * base-2 logarithm of the number of equally likely outputs the options allow.
 */

/** A generated secret and what it is worth against an attacker who knows the options. */
export type GeneratedSecret = {
  kind: 'password' | 'passphrase';
  secret: string;
  /** log2 of the number of equally likely outputs. */
  entropyBits: number;
};

export const CHARACTER_CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  symbols: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
} as const;

export type CharacterClass = keyof typeof CHARACTER_CLASSES;

/** Characters easily mistaken for one another when read or typed: 0 O o, 1 l I |, quotes. */
export const AMBIGUOUS_CHARACTERS = '0Oo1lI|`\'"';

export type PasswordOptions = {
  /** Number of characters, 4 to 1024 (default 20). */
  length?: number;
  /** Classes to draw from (default all four). */
  classes?: readonly CharacterClass[];
  /** Leave out AMBIGUOUS_CHARACTERS (default false). */
  excludeAmbiguous?: boolean;
  /** Further characters to leave out, e.g. symbols a site refuses. */
  exclude?: string;
  /** Every chosen class appears at least once (default true). */
  requireEachClass?: boolean;
  /** Random source; the platform CSPRNG when absent (tests inject their own). */
  random?: RandomSource;
};

export type PassphraseOptions = {
  /** Number of words, 1 to 64 (default 6). */
  words?: number;
  /** Between words (default "-"); no letters, and empty only with capitalize. */
  separator?: string;
  /** Capitalise each word's first letter (default false; adds no entropy). */
  capitalize?: boolean;
  /** Append one random digit to one random word (default false). */
  includeNumber?: boolean;
  random?: RandomSource;
  /** The word list; the EFF large list when absent. */
  wordList?: readonly string[];
};

function invalid(field: string, message: string): MeshError {
  return new MeshError('INVALID_ARGUMENT', message, { field });
}

/** log2 of a non-negative BigInt, accurate to double precision. */
export function log2BigInt(value: bigint): number {
  if (value <= 0n) return Number.NEGATIVE_INFINITY;
  const bits = value.toString(2).length;
  if (bits <= 53) return Math.log2(Number(value));
  const shift = bits - 53;
  return Math.log2(Number(value >> BigInt(shift))) + shift;
}

/**
 * Number of strings of `length` over disjoint classes of the given sizes that contain at least
 * one character of each class (inclusion-exclusion over the classes left out).
 */
export function countWithEachClass(classSizes: readonly number[], length: number): bigint {
  const total = classSizes.reduce((sum, size) => sum + size, 0);
  let count = 0n;
  for (let mask = 0; mask < 1 << classSizes.length; mask += 1) {
    let missing = 0;
    let parity = 0;
    classSizes.forEach((size, i) => {
      if (mask & (1 << i)) {
        missing += size;
        parity ^= 1;
      }
    });
    const term = BigInt(total - missing) ** BigInt(length);
    count += parity ? -term : term;
  }
  return count;
}

/**
 * A random password (docs/architecture.md section 12): `length` characters drawn uniformly from the
 * chosen classes less the excluded characters. With requireEachClass, whole candidates lacking a
 * class are rejected and drawn again, which keeps the result uniform over all valid passwords
 * (picking one per class and shuffling would not).
 */
export function generatePassword(options: PasswordOptions = {}): GeneratedSecret {
  const length = options.length ?? 20;
  if (!Number.isInteger(length) || length < 4 || length > 1024) {
    throw invalid('length', 'A password is 4 to 1024 characters long.');
  }
  const chosen = [
    ...new Set(options.classes ?? (Object.keys(CHARACTER_CLASSES) as CharacterClass[])),
  ];
  if (chosen.length === 0) throw invalid('classes', 'Choose at least one character class.');
  const excluded = new Set([
    ...(options.excludeAmbiguous ? AMBIGUOUS_CHARACTERS : ''),
    ...(options.exclude ?? ''),
  ]);
  const classes = chosen.map((name) => {
    const known = CHARACTER_CLASSES[name];
    if (known === undefined) throw invalid('classes', `Unknown character class ${String(name)}.`);
    const characters = [...known].filter((c) => !excluded.has(c));
    if (characters.length === 0) {
      throw invalid('classes', `Every ${name} character is excluded.`);
    }
    return characters;
  });
  const requireEach = options.requireEachClass ?? true;
  if (requireEach && length < classes.length) {
    throw invalid('length', 'The password is too short to hold every chosen class.');
  }
  const alphabet = classes.flat();
  const classOf = new Map<string, number>();
  classes.forEach((characters, i) => characters.forEach((c) => classOf.set(c, i)));

  const random = new RandomIndex(options.random);
  try {
    for (let attempt = 0; attempt < 100_000; attempt += 1) {
      const picked: string[] = [];
      const seen = new Set<number>();
      for (let i = 0; i < length; i += 1) {
        const c = random.pick(alphabet);
        picked.push(c);
        seen.add(classOf.get(c) ?? -1);
      }
      if (!requireEach || seen.size === classes.length) {
        const sizes = classes.map((characters) => characters.length);
        const count = requireEach
          ? countWithEachClass(sizes, length)
          : BigInt(alphabet.length) ** BigInt(length);
        return { kind: 'password', secret: picked.join(''), entropyBits: log2BigInt(count) };
      }
    }
  } finally {
    random.wipe();
  }
  // Unreachable in practice: even 4 characters over 4 classes succeed about 1 time in 10.
  throw invalid('length', 'Could not generate a password with these options.');
}

/**
 * A random passphrase (docs/architecture.md section 12): words drawn uniformly and independently
 * from the EFF large list (log2 7776 = 12.9 bits each), joined by the separator.
 */
export function generatePassphrase(options: PassphraseOptions = {}): GeneratedSecret {
  const count = options.words ?? 6;
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw invalid('words', 'A passphrase has 1 to 64 words.');
  }
  const separator = options.separator ?? '-';
  const capitalize = options.capitalize ?? false;
  if (/\p{L}/u.test(separator) || separator.length > 10) {
    throw invalid('separator', 'The separator must be short and hold no letters.');
  }
  if (separator === '' && !capitalize) {
    // Without a separator or capitals, different word sequences could spell the same text.
    throw invalid('separator', 'An empty separator needs capitalised words.');
  }
  const list = options.wordList ?? effLargeWordList();
  if (new Set(list).size !== list.length || list.length < 2) {
    throw invalid('wordList', 'The word list must hold at least two distinct words.');
  }
  const random = new RandomIndex(options.random);
  try {
    const words = Array.from({ length: count }, () => {
      const word = random.pick(list);
      return capitalize ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    });
    let entropyBits = count * Math.log2(list.length);
    if (options.includeNumber) {
      const at = random.below(count);
      words[at] = `${words[at] ?? ''}${random.below(10)}`;
      entropyBits += Math.log2(10 * count);
    }
    return { kind: 'passphrase', secret: words.join(separator), entropyBits };
  } finally {
    random.wipe();
  }
}
