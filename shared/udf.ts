/**
 * Uniform Data Fingerprints (docs/architecture.md section 4; draft-hallambaker-mesh-udf): the
 * identifiers of keys and profiles, and the presentation of nonces, secrets and secret shares.
 *
 * Two kinds of UDF share one presentation, Base32 (RFC 4648) of `typeByte || value` in groups
 * of four characters joined by `-`:
 * - fingerprints (SHA-2-512 96, SHA-3-512 80, authenticator 0) are truncated to a precision of
 *   `bits` = 5 x characters: a multiple of 20 (whole groups), at least 100, default 140, at
 *   most what the value holds (520 for a 512-bit digest);
 * - data values (nonce 104, secret 200, share 144) are always presented in full so that the
 *   value survives the round trip; their last group may be shorter than four characters.
 *
 * A content digest UDF is `typeByte || H(UTF8(contentType) || ":" || H(data))`, compressed as
 * draft-hallambaker-mesh-udf-13 §5.1.3 requires: when the 512-bit typed digest ends in at least
 * 20, 30, 40 or 50 zero bits, the type byte is raised by 1, 2, 3 or 4 (SHA-2-512 96 → 97..100,
 * SHA-3-512 80 → 81..84) and the digest bytes presented stay the same. The draft's prose (about
 * leading bytes and "the 9th octet") disagrees with its own examples (§5.1.8, §5.1.9); this follows
 * the examples and the reference implementation (Goedel.Cryptography `UDF.GetCompression`, which
 * counts trailing zero bits and changes only the type byte), which is what other implementations
 * produce. Comparison accepts both forms: a compressed and an uncompressed UDF of one digest match
 * (docs/decisions.md, "UDF compression").
 * The zod schema of a UDF field is in udf-schema.ts, so that computing a UDF does not load zod.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { sha3_512 } from '@noble/hashes/sha3.js';
import { base32DecodePrefix, base32Encode } from './encoding/base32';
import { utf8Encode } from './encoding/utf8';
import { MeshError } from './errors';

/** The type bytes of docs/architecture.md section 4. */
export const UDF_TYPE = {
  sha2_512: 96,
  sha3_512: 80,
  nonce: 104,
  secret: 200,
  share: 144,
  authenticator: 0,
} as const;

export type UdfTypeName = keyof typeof UDF_TYPE;

/**
 * Compressed content digest types (draft-hallambaker-mesh-udf-13 §5.1.3): the base type plus the
 * compression level 1..4 (at least 20, 30, 40, 50 trailing zero bits of the typed digest).
 */
const COMPRESSION_LEVELS = [1, 2, 3, 4] as const;
const COMPRESSION_ZERO_BITS = [20, 30, 40, 50] as const;
const DIGEST_FAMILIES: readonly number[] = [UDF_TYPE.sha2_512, UDF_TYPE.sha3_512];

/** The digest behind a content UDF. */
export type UdfAlgorithm = 'sha2-512' | 'sha3-512';

/** Default precision of a fingerprint, in bits (28 characters, 7 groups). */
export const UDF_DEFAULT_BITS = 140;
/** Lowest precision a fingerprint may be presented at (20 characters, 5 groups). */
export const UDF_MIN_BITS = 100;
/**
 * Smallest and largest value a nonce, secret or share UDF may carry, in bytes after the type byte.
 */
export const UDF_DATA_MIN_BYTES = 16;
export const UDF_DATA_MAX_BYTES = 256;

/** A parsed UDF: `bytes` holds the type byte and every whole byte the text carries. */
export interface ParsedUdf {
  typeByte: number;
  bytes: Uint8Array;
  /** Precision of the presentation: 5 bits per character, type byte included. */
  bits: number;
}

const FINGERPRINT_TYPES: ReadonlySet<number> = new Set([
  UDF_TYPE.sha2_512,
  UDF_TYPE.sha3_512,
  UDF_TYPE.authenticator,
  ...COMPRESSION_LEVELS.flatMap((level) => DIGEST_FAMILIES.map((base) => base + level)),
]);
const DATA_TYPES: ReadonlySet<number> = new Set([UDF_TYPE.nonce, UDF_TYPE.secret, UDF_TYPE.share]);

const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [UDF_TYPE.sha2_512, 'SHA-2-512 fingerprint'],
  [UDF_TYPE.sha3_512, 'SHA-3-512 fingerprint'],
  [UDF_TYPE.nonce, 'nonce'],
  [UDF_TYPE.secret, 'secret'],
  [UDF_TYPE.share, 'secret share'],
  [UDF_TYPE.authenticator, 'authenticator'],
  ...COMPRESSION_LEVELS.flatMap((level): [number, string][] => [
    [
      UDF_TYPE.sha2_512 + level,
      `SHA-2-512 fingerprint (compressed, ${COMPRESSION_ZERO_BITS[level - 1]} bits)`,
    ],
    [
      UDF_TYPE.sha3_512 + level,
      `SHA-3-512 fingerprint (compressed, ${COMPRESSION_ZERO_BITS[level - 1]} bits)`,
    ],
  ]),
]);

/**
 * The uncompressed type of a content digest type byte (97..100 → 96, 81..84 → 80); any other
 * type byte unchanged.
 */
export function udfBaseType(typeByte: number): number {
  for (const base of DIGEST_FAMILIES) {
    if (typeByte > base && typeByte <= base + COMPRESSION_LEVELS.length) return base;
  }
  return typeByte;
}

/**
 * The compression level of a 512-bit typed digest (draft-hallambaker-mesh-udf-13 §5.1.3, as the
 * reference `GetCompression` and the examples of §5.1.8-5.1.9 apply it): 4, 3, 2 or 1 when it
 * ends in at least 50, 40, 30 or 20 zero bits, else 0.
 */
export function udfCompressionLevel(digest: Uint8Array): number {
  let zeros = 0;
  for (let offset = digest.length - 1; offset >= 0; offset--) {
    const byte = digest[offset]!;
    if (byte === 0) {
      zeros += 8;
      continue;
    }
    zeros += Math.clz32(byte & -byte) ^ 31;
    break;
  }
  let level = 0;
  COMPRESSION_ZERO_BITS.forEach((bits, index) => {
    if (zeros >= bits) level = index + 1;
  });
  return level;
}

/** A readable name of a UDF type byte, for messages. */
export function udfTypeName(typeByte: number): string {
  return TYPE_NAMES.get(typeByte) ?? `unknown type ${typeByte}`;
}

const separator = utf8Encode(':');

/**
 * The UDF of `data` of MIME type `contentType` (docs/architecture.md section 4 steps 1-2):
 * `typeByte || H(UTF8(contentType) || ":" || H(data))`, H SHA-2-512 (type 96, default) or
 * SHA-3-512 (type 80), compressed (draft-hallambaker-mesh-udf-13 §5.1.3; module comment),
 * presented at `bits` precision (default 140).
 */
export function udfFromData(
  data: Uint8Array,
  contentType: string,
  opts: { bits?: number; algorithm?: UdfAlgorithm } = {},
): string {
  if (contentType.length === 0) {
    throw new MeshError('INVALID_ARGUMENT', 'UDF: the content type must not be empty');
  }
  const algorithm = opts.algorithm ?? 'sha2-512';
  const hash = algorithm === 'sha3-512' ? sha3_512 : sha512;
  const typeByte = algorithm === 'sha3-512' ? UDF_TYPE.sha3_512 : UDF_TYPE.sha2_512;
  const contentTypeBytes = utf8Encode(contentType);
  const input = new Uint8Array(contentTypeBytes.length + 1 + 64);
  input.set(contentTypeBytes, 0);
  input.set(separator, contentTypeBytes.length);
  input.set(hash(data), contentTypeBytes.length + 1);
  const digest = hash(input);
  return udfFromTypedBytes(
    typeByte + udfCompressionLevel(digest),
    digest,
    opts.bits ?? UDF_DEFAULT_BITS,
  );
}

/**
 * The UDF presentation of `typeByte || data` (docs/architecture.md section 4 steps 2 and 4).
 * Fingerprint types (96, 80, 0) are truncated to `bits` (default 140); nonce, secret and share
 * values are presented in full and take no `bits`.
 */
export function udfFromTypedBytes(typeByte: number, data: Uint8Array, bits?: number): string {
  const bytes = new Uint8Array(data.length + 1);
  bytes[0] = typeByte;
  bytes.set(data, 1);
  if (FINGERPRINT_TYPES.has(typeByte)) {
    const precision = bits ?? UDF_DEFAULT_BITS;
    checkFingerprintBits(precision, bytes.length * 8, 'INVALID_ARGUMENT');
    return groupCharacters(base32Encode(bytes).slice(0, precision / 5));
  }
  if (DATA_TYPES.has(typeByte)) {
    if (bits !== undefined) {
      throw new MeshError(
        'INVALID_ARGUMENT',
        `UDF: a ${udfTypeName(typeByte)} is presented in full and takes no precision`,
        { typeByte },
      );
    }
    checkDataLength(data.length, typeByte, 'INVALID_ARGUMENT');
    return groupCharacters(base32Encode(bytes));
  }
  throw new MeshError('INVALID_ARGUMENT', `UDF: ${typeByte} is not a known type byte`, {
    typeByte,
  });
}

/**
 * Parses a UDF (docs/architecture.md section 4 step 5): tolerates lower case, missing dashes and
 * spaces; rejects characters outside Base32, an unknown or unexpected type byte and a bad length
 * with INVALID_UDF naming what is wrong.
 */
export function parseUdf(text: string, opts: { expectType?: number } = {}): ParsedUdf {
  const characters = canonicalCharacters(text);
  if (characters.length < 2) {
    throw new MeshError('INVALID_UDF', 'UDF: too short to hold a type byte', {
      characters: characters.length,
    });
  }
  const typeByte = base32DecodePrefix(characters.slice(0, 2))[0]!;
  if (opts.expectType !== undefined && typeByte !== opts.expectType) {
    throw new MeshError(
      'INVALID_UDF',
      `UDF: expected a ${udfTypeName(opts.expectType)} (type ${opts.expectType}), got a ${udfTypeName(typeByte)} (type ${typeByte})`,
      { expected: opts.expectType, actual: typeByte },
    );
  }
  const bits = characters.length * 5;
  if (FINGERPRINT_TYPES.has(typeByte)) {
    // 520 bits: the type byte and a whole 512-bit digest or MAC.
    checkFingerprintBits(bits, 520, 'INVALID_UDF');
    return { typeByte, bytes: base32DecodePrefix(characters), bits };
  }
  if (DATA_TYPES.has(typeByte)) {
    const bytes = base32DecodePrefix(characters);
    // A full-length value has exactly the characters its bytes encode to, with zero fill bits.
    if (base32Encode(bytes) !== characters) {
      throw new MeshError(
        'INVALID_UDF',
        `UDF: ${characters.length} characters is not the length of a whole ${udfTypeName(typeByte)} (a character is missing or extra)`,
        { characters: characters.length },
      );
    }
    checkDataLength(bytes.length - 1, typeByte, 'INVALID_UDF');
    return { typeByte, bytes, bits };
  }
  throw new MeshError('INVALID_UDF', `UDF: ${typeByte} is not a known type byte`, { typeByte });
}

/**
 * True when two UDFs name the same value: same type byte and equal on the shorter precision
 * (docs/architecture.md section 4). A compressed and an uncompressed content digest UDF of one
 * digest match (draft-hallambaker-mesh-udf-13 §5.1.3: the type byte differs, the digest bits do
 * not), so fingerprints stored before compression still compare equal. Nonces, secrets and shares
 * match only in full. Throws INVALID_UDF when either text is not a UDF.
 */
export function udfMatches(a: string, b: string): boolean {
  // The same few pairs are compared on every request (a profile's identifier against its master
  // profile's, a signature's kid against its key): the answers are remembered.
  const key = `${a}\n${b}`;
  const known = matchesKnown.get(key);
  if (known !== undefined) return known;
  const matches = udfMatchesOnce(a, b);
  if (matchesKnown.size >= MATCHES_KNOWN_LIMIT) matchesKnown.clear();
  matchesKnown.set(key, matches);
  return matches;
}

const MATCHES_KNOWN_LIMIT = 4096;
const matchesKnown = new Map<string, boolean>();

function udfMatchesOnce(a: string, b: string): boolean {
  const left = parseUdf(a);
  const right = parseUdf(b);
  const leftCharacters = canonicalCharacters(a);
  const rightCharacters = canonicalCharacters(b);
  if (left.typeByte !== right.typeByte) {
    if (udfBaseType(left.typeByte) !== udfBaseType(right.typeByte)) return false;
    // Same digest family: compare the digest bits after the 8-bit type byte.
    const length = Math.min(leftCharacters.length, rightCharacters.length) * 5;
    return (
      bitString(leftCharacters).slice(8, length) === bitString(rightCharacters).slice(8, length)
    );
  }
  if (DATA_TYPES.has(left.typeByte)) return leftCharacters === rightCharacters;
  const length = Math.min(leftCharacters.length, rightCharacters.length);
  return leftCharacters.slice(0, length) === rightCharacters.slice(0, length);
}

/**
 * A fingerprint text with its type byte set to the uncompressed type (97..100 → 96, 81..84 → 80),
 * in canonical presentation: one form under which a store can keep identifiers made before and
 * after compression (draft-hallambaker-mesh-udf-13 §5.1.3). INVALID_UDF if it is not a UDF.
 */
export function uncompressedUdf(text: string): string {
  const { typeByte } = parseUdf(text);
  const characters = canonicalCharacters(text);
  const base = udfBaseType(typeByte);
  if (base === typeByte) return groupCharacters(characters);
  // The type byte fills the first character and the top 3 bits of the second.
  const second = BASE32_ALPHABET.indexOf(characters[1]!);
  const head =
    BASE32_ALPHABET[base >> 3]! + BASE32_ALPHABET[((base & 0x07) << 2) | (second & 0x03)]!;
  return groupCharacters(head + characters.slice(2));
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function bitString(characters: string): string {
  let bits = '';
  for (const character of characters) {
    bits += BASE32_ALPHABET.indexOf(character).toString(2).padStart(5, '0');
  }
  return bits;
}

/** The canonical presentation of a UDF (upper case, groups of four); INVALID_UDF if it is none. */
export function normalizeUdf(text: string, opts: { expectType?: number } = {}): string {
  parseUdf(text, opts);
  return groupCharacters(canonicalCharacters(text));
}

/** A fresh random nonce of `bits` bits (a multiple of 8, 128 to 2048), as a type-104 UDF. */
export function randomNonce(bits = 128): string {
  return udfFromTypedBytes(UDF_TYPE.nonce, randomBytes(randomValueBytes(bits)));
}

/** A fresh random secret of `bits` bits (a multiple of 8, 128 to 2048), as a type-200 UDF. */
export function randomSecret(bits = 256): string {
  const secret = randomBytes(randomValueBytes(bits));
  const udf = udfFromTypedBytes(UDF_TYPE.secret, secret);
  secret.fill(0);
  return udf;
}

function randomValueBytes(bits: number): number {
  if (
    !Number.isInteger(bits) ||
    bits % 8 !== 0 ||
    bits < UDF_DATA_MIN_BYTES * 8 ||
    bits > UDF_DATA_MAX_BYTES * 8
  ) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `UDF: a random value has a multiple of 8 bits from ${UDF_DATA_MIN_BYTES * 8} to ${UDF_DATA_MAX_BYTES * 8}, not ${bits}`,
      { bits },
    );
  }
  return bits / 8;
}

/** Upper case Base32 characters of a UDF text, with dashes and white space removed. */
function canonicalCharacters(text: string): string {
  const characters = text.replace(/[-\s]/g, '').toUpperCase();
  const bad = /[^A-Z2-7]/.exec(characters);
  if (bad) {
    throw new MeshError(
      'INVALID_UDF',
      `UDF: character ${JSON.stringify(bad[0])} is not Base32 (A-Z, 2-7)`,
      { character: bad[0] },
    );
  }
  return characters;
}

function checkFingerprintBits(
  bits: number,
  availableBits: number,
  code: 'INVALID_ARGUMENT' | 'INVALID_UDF',
): void {
  if (!Number.isInteger(bits) || bits % 20 !== 0) {
    throw new MeshError(
      code,
      `UDF: a fingerprint has a multiple of 20 bits (whole groups of 4 characters), not ${bits}`,
      { bits },
    );
  }
  if (bits < UDF_MIN_BITS) {
    throw new MeshError(code, `UDF: ${bits} bits is under the minimum of ${UDF_MIN_BITS}`, {
      bits,
    });
  }
  const maximum = Math.floor(availableBits / 20) * 20;
  if (bits > maximum) {
    throw new MeshError(
      code,
      `UDF: ${bits} bits is more than the value holds (at most ${maximum})`,
      {
        bits,
        maximum,
      },
    );
  }
}

function checkDataLength(
  length: number,
  typeByte: number,
  code: 'INVALID_ARGUMENT' | 'INVALID_UDF',
): void {
  if (length < UDF_DATA_MIN_BYTES || length > UDF_DATA_MAX_BYTES) {
    const size = length < UDF_DATA_MIN_BYTES ? 'short' : 'long';
    throw new MeshError(
      code,
      `UDF: too ${size} for a ${udfTypeName(typeByte)} (${length} byte${length === 1 ? '' : 's'}; ${UDF_DATA_MIN_BYTES} to ${UDF_DATA_MAX_BYTES})`,
      { bytes: length },
    );
  }
}

function groupCharacters(characters: string): string {
  return characters.match(/.{1,4}/g)?.join('-') ?? '';
}
