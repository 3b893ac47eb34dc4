/**
 * Escrow shares of a secret (docs/architecture.md sections 4 and 7, "Shares"): k-of-n Shamir secret
 * sharing over a prime field as draft-hallambaker-mesh-udf-13 §4.5.2 defines it, so that shares
 * made here recover with the draft's arithmetic and the reference tools' shares recover here.
 *
 * A share is a type-144 UDF of `first || y`, presented in full:
 *   - `first` = threshold << 4 | (index - 1): threshold k 2..15, index 1..n, n <= 15;
 *   - `y` = f(index) as L bytes big-endian, where f is a polynomial of degree k - 1 over GF(p)
 *     with f(0) the secret, L the secret's length in bytes (a multiple of 4, 16 to 64) and p the
 *     prime just above 2^(8L) the reference implementation uses (Goedel.Cryptography
 *     `SharedSecret.GetPrime`: 2^128 + 51 for a 128-bit secret as in §4.5.2, 2^256 + 297 for the
 *     256-bit master seed). As the reference does, a split whose y values do not all fit in L
 *     bytes is drawn again.
 * The field arithmetic is @noble/curves' `Field` (modular inverse included).
 *
 * The draft's format has no room for a checksum or a split identifier, so each share made here
 * carries a check word beside it: `SHARE/CHECK`, CHECK eight Base32 characters (40 bits) = a
 * 20-bit split identifier, random per split, then the first 20 bits of SHA-512 over
 * "mesh-share-check" || the identifier's 3 bytes || the share UDF's bytes. It names a mistyped
 * share (or check word) before recovery (a false accept has probability 2^-20) and refuses shares
 * of two different splits (as SLIP-39's identifier does). A share given without its check word
 * (the reference tools write none) is still read; it is then checked only by recovery itself
 * (the regenerated master key must be the profile's).
 *
 * Shares made before this format (GF(2^8), a 5-byte SHA-512 checksum inside the UDF; layout in
 * docs/decisions.md, "Escrow shares") are recognised by that checksum and still recover.
 */
import { Field } from '@noble/curves/abstract/modular.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { combine } from 'shamir-secret-sharing';
import { base32DecodePrefix, base32Encode } from '../../../shared/encoding/base32';
import { utf8Encode } from '../../../shared/encoding/utf8';
import { isMeshError, MeshError } from '../../../shared/errors';
import { UDF_TYPE, parseUdf, udfFromTypedBytes } from '../../../shared/udf';

/** Most shares a split may have: the index must fit in four bits. */
export const MAX_SHARES = 15;
/** Secret sizes a split accepts, in bytes (a multiple of 4; a seed is 32). */
export const SECRET_MIN_BYTES = 16;
export const SECRET_MAX_BYTES = 64;

/**
 * Offsets above 2^(32 w) of the primes for secrets of w 32-bit words (w = 1..16), from the
 * reference implementation (Goedel.Cryptography `SharedSecret.PrimeValues`); each 2^(32 w) + o is
 * prime (checked with `openssl prime`). §4.5.2 gives the one for 128 bits: 2^128 + 51.
 */
const PRIME_OFFSETS = [15, 13, 61, 51, 7, 133, 735, 297, 127, 27, 55, 231, 235, 211, 165, 75];

/** The prime modulus for a secret (and share values) of `bytes` bytes. */
export function sharePrime(bytes: number): bigint {
  const words = bytes / 4;
  const offset = PRIME_OFFSETS[words - 1];
  if (!Number.isInteger(words) || offset === undefined) {
    throw new MeshError('INVALID_ARGUMENT', `shares: no prime for a ${bytes}-byte value`, {
      bytes,
    });
  }
  return (1n << BigInt(8 * bytes)) + BigInt(offset);
}

const CHECK_LABEL = utf8Encode('mesh-share-check');
const CHECK_CHARACTERS = 8;
const LEGACY_CHECKSUM_BYTES = 5;

/** The check word of `shareBytes` (type byte included) in the split `splitId` (20 bits). */
function checkWord(splitId: number, shareBytes: Uint8Array): string {
  const id = Uint8Array.of(splitId >> 12, (splitId >> 4) & 0xff, (splitId & 0x0f) << 4);
  const input = new Uint8Array(CHECK_LABEL.length + id.length + shareBytes.length);
  input.set(CHECK_LABEL, 0);
  input.set(id, CHECK_LABEL.length);
  input.set(shareBytes, CHECK_LABEL.length + id.length);
  const digest = sha512(input);
  const word = Uint8Array.of(
    id[0]!,
    id[1]!,
    id[2]! | (digest[0]! >> 4),
    ((digest[0]! & 0x0f) << 4) | (digest[1]! >> 4),
    ((digest[1]! & 0x0f) << 4) | (digest[2]! >> 4),
  );
  const text = base32Encode(word);
  return `${text.slice(0, 4)}-${text.slice(4)}`;
}

function validCounts(shares: number, threshold: number): void {
  if (
    !Number.isInteger(shares) ||
    !Number.isInteger(threshold) ||
    threshold < 2 ||
    shares < threshold ||
    shares > MAX_SHARES
  ) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `shares: need 2 <= threshold <= shares <= ${MAX_SHARES}, got ${threshold} of ${shares}`,
      { shares, threshold },
    );
  }
}

/**
 * Splits `secret` into `shares` shares, any `threshold` of which rebuild it
 * (draft-hallambaker-mesh-udf-13 §4.5.2; module comment), each as `SHARE/CHECK`.
 * 2 <= threshold <= shares <= 15; the secret 16 to 64 bytes, a multiple of 4.
 */
export async function splitSecret(
  secret: Uint8Array,
  options: { shares: number; threshold: number },
): Promise<string[]> {
  const { shares, threshold } = options;
  validCounts(shares, threshold);
  if (
    secret.length < SECRET_MIN_BYTES ||
    secret.length > SECRET_MAX_BYTES ||
    secret.length % 4 !== 0
  ) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `shares: a secret of ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} bytes, a multiple of 4, can be split, not ${secret.length}`,
      { bytes: secret.length },
    );
  }
  await Promise.resolve();
  const length = secret.length;
  const field = Field(sharePrime(length));
  const limit = 1n << BigInt(8 * length);
  const coefficients: bigint[] = [bytesToNumberBE(secret)];
  let values: bigint[];
  for (;;) {
    coefficients.length = 1;
    for (let degree = 1; degree < threshold; degree++) {
      // 8 extra bytes make the reduction's bias negligible (under 2^-60).
      coefficients.push(field.create(bytesToNumberBE(randomBytes(length + 8))));
    }
    values = [];
    for (let index = 1; index <= shares; index++) {
      // Horner's rule: f(x) = a0 + x (a1 + x (a2 + ...)).
      let y = field.ZERO;
      for (let degree = threshold - 1; degree >= 0; degree--) {
        y = field.add(field.mul(y, BigInt(index)), coefficients[degree]!);
      }
      values.push(y);
    }
    // As the reference does: every y must fit in L bytes, else draw the polynomial again.
    if (values.every((value) => value < limit)) break;
  }
  coefficients.fill(0n);
  const splitId = bytesToNumberBE(randomBytes(3)) >> 4n;
  return values.map((value, position) => {
    const data = new Uint8Array(1 + length);
    data[0] = (threshold << 4) | position;
    data.set(numberToBytesBE(value, length), 1);
    const udf = udfFromTypedBytes(UDF_TYPE.share, data);
    const bytes = new Uint8Array(1 + data.length);
    bytes[0] = UDF_TYPE.share;
    bytes.set(data, 1);
    const word = checkWord(Number(splitId), bytes);
    data.fill(0);
    bytes.fill(0);
    return `${udf}/${word}`;
  });
}

/** One share as read: the field point, or a legacy GF(2^8) piece. */
interface ReadShare {
  position: number;
  threshold: number;
  index: number;
  /** Value bytes: `y` (prime field) or the library's piece (legacy). */
  value: Uint8Array;
  legacy: boolean;
  /** Split identifier from the check word, when one was given. */
  splitId: number | undefined;
}

/** Characters of a share as typed, less the separators parseUdf tolerates. */
function shareCharacters(text: string): number {
  return text.split('/')[0]!.replace(/[\s-]/g, '').length;
}

/**
 * Why a share fails its check: a length unlike the other shares' means a lost or extra character.
 */
function checkFailure(where: string, text: string, others: string[]): string {
  const length = shareCharacters(text);
  const other = others.map(shareCharacters).find((candidate) => candidate !== length);
  if (other !== undefined && others.every((candidate) => shareCharacters(candidate) === other)) {
    return `${where} is not a share: a character is missing or extra (${length} characters where the others have ${other})`;
  }
  return `${where} does not check: a character is mistyped, missing or extra, or two are swapped`;
}

function legacyChecksumHolds(bytes: Uint8Array): boolean {
  if (bytes.length < 2 + SECRET_MIN_BYTES + 1 + LEGACY_CHECKSUM_BYTES) return false;
  const body = bytes.subarray(0, bytes.length - LEGACY_CHECKSUM_BYTES);
  const expected = sha512(body);
  const actual = bytes.subarray(bytes.length - LEGACY_CHECKSUM_BYTES);
  return actual.every((byte, offset) => byte === expected[offset]);
}

function readShare(text: string, position: number, shares: string[]): ReadShare {
  const count = shares.length;
  const where = count === 1 ? 'the share' : `share ${position} of ${count}`;
  const others = shares.filter((_, offset) => offset !== position - 1);
  const [shareText = '', checkText, ...extra] = text.split('/');
  if (extra.length > 0) {
    throw new MeshError('INVALID_SHARE', `${where} is not a share: more than one "/"`, {
      share: position,
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = parseUdf(shareText, { expectType: UDF_TYPE.share }).bytes;
  } catch (error) {
    if (!isMeshError(error, 'INVALID_UDF')) throw error;
    throw new MeshError(
      'INVALID_SHARE',
      `${where} is not a share: ${error.message.replace(/^UDF: /, '')}`,
      { share: position },
      { cause: error },
    );
  }
  const threshold = bytes[1]! >> 4;
  const index = (bytes[1]! & 0x0f) + 1;
  if (checkText === undefined && legacyChecksumHolds(bytes)) {
    if (threshold < 2) {
      throw new MeshError('INVALID_SHARE', `${where} has an impossible threshold ${threshold}`, {
        share: position,
      });
    }
    return {
      position,
      threshold,
      index,
      value: bytes.slice(2, bytes.length - LEGACY_CHECKSUM_BYTES),
      legacy: true,
      splitId: undefined,
    };
  }
  let splitId: number | undefined;
  if (checkText !== undefined) {
    const word = checkText.replace(/[\s-]/g, '').toUpperCase();
    if (!/^[A-Z2-7]{8}$/.test(word)) {
      throw new MeshError(
        'INVALID_SHARE',
        `${where}: the check word after "/" is ${CHECK_CHARACTERS} Base32 characters (A-Z, 2-7)`,
        { share: position },
      );
    }
    const id = base32DecodePrefix(word);
    splitId = (id[0]! << 12) | (id[1]! << 4) | (id[2]! >> 4);
    if (checkWord(splitId, bytes).replace('-', '') !== word) {
      throw new MeshError('INVALID_SHARE', checkFailure(where, shareText, others), {
        share: position,
      });
    }
  }
  const length = bytes.length - 2;
  if (length % 4 !== 0 || length < SECRET_MIN_BYTES || length > SECRET_MAX_BYTES) {
    throw new MeshError(
      'INVALID_SHARE',
      checkText === undefined
        ? checkFailure(where, shareText, others)
        : `${where} is not a share: ${length} value bytes is no secret size`,
      { share: position },
    );
  }
  if (threshold < 2) {
    throw new MeshError('INVALID_SHARE', `${where} has an impossible threshold ${threshold}`, {
      share: position,
    });
  }
  return { position, threshold, index, value: bytes.slice(2), legacy: false, splitId };
}

/** What one share says about itself, once it reads (checkShare). */
export interface ShareFacts {
  /** Shares needed to recover. */
  readonly threshold: number;
  /** This share's number, 1..15. */
  readonly index: number;
  /** Size of the secret, in bytes. */
  readonly secretBytes: number;
  /** True when a check word came with it and holds; false for a bare (reference) share. */
  readonly checked: boolean;
  /** True for a share of the earlier GF(2^8) format. */
  readonly earlierFormat: boolean;
}

/**
 * Checks one share as it is typed (`SHARE/CHECK`, a bare share, or one of the earlier format),
 * before all of them are there: INVALID_SHARE names what is wrong (not a share, a typo when the
 * check word or the earlier checksum disagrees). Says nothing about the secret.
 */
export function checkShare(text: string): ShareFacts {
  const share = readShare(text.trim(), 1, [text]);
  try {
    return {
      threshold: share.threshold,
      index: share.index,
      secretBytes: share.legacy ? share.value.length - 1 : share.value.length,
      checked: share.splitId !== undefined || share.legacy,
      earlierFormat: share.legacy,
    };
  } finally {
    share.value.fill(0);
  }
}

/** f(0) by Lagrange interpolation over GF(p) (draft-hallambaker-mesh-udf-13 §4.5.2). */
function interpolate(points: readonly ReadShare[]): Uint8Array {
  const length = points[0]!.value.length;
  const field = Field(sharePrime(length));
  let secret = field.ZERO;
  for (const point of points) {
    const x = BigInt(point.index);
    let numerator = field.ONE;
    let denominator = field.ONE;
    for (const other of points) {
      if (other === point) continue;
      const xOther = BigInt(other.index);
      numerator = field.mul(numerator, field.neg(xOther));
      denominator = field.mul(denominator, field.sub(x, xOther));
    }
    const y = bytesToNumberBE(point.value);
    secret = field.add(secret, field.mul(y, field.div(numerator, denominator)));
  }
  if (secret >= 1n << BigInt(8 * length)) {
    throw new MeshError(
      'INVALID_SHARE',
      'shares: they rebuild no secret: a share is mistyped or they come from different splits',
      {},
    );
  }
  return numberToBytesBE(secret, length);
}

/**
 * Rebuilds the secret from shares (any order, case and dashes; `SHARE/CHECK` as splitSecret
 * writes them, a bare share UDF as the reference tools write them, or a share of the earlier
 * GF(2^8) format). INVALID_SHARE names the share at fault: not a share, a typo (check word),
 * another split, another threshold, another secret length, a repeated index; or says how many
 * more shares are needed.
 */
export async function recoverSecret(shares: string[]): Promise<Uint8Array> {
  if (shares.length === 0) {
    throw new MeshError('INVALID_SHARE', 'shares: none given', { needed: 2, given: 0 });
  }
  const read = shares.map((text, offset) => readShare(text.trim(), offset + 1, shares));
  try {
    const first = read[0]!;
    const byIndex = new Map<number, number>();
    const checked = read.find((share) => share.splitId !== undefined);
    for (const share of read) {
      if (share.legacy !== first.legacy) {
        throw new MeshError(
          'INVALID_SHARE',
          `share ${share.position} is of the ${share.legacy ? 'earlier' : 'current'} format but share 1 of the ${first.legacy ? 'earlier' : 'current'} one: they come from different splits`,
          { share: share.position },
        );
      }
      if (
        checked !== undefined &&
        share.splitId !== undefined &&
        share.splitId !== checked.splitId
      ) {
        throw new MeshError(
          'INVALID_SHARE',
          `share ${share.position} comes from another split than share ${checked.position}`,
          { share: share.position },
        );
      }
      if (share.threshold !== first.threshold) {
        throw new MeshError(
          'INVALID_SHARE',
          `share ${share.position} needs ${share.threshold} shares but share 1 needs ${first.threshold}: they come from different splits`,
          { share: share.position },
        );
      }
      if (share.value.length !== first.value.length) {
        throw new MeshError(
          'INVALID_SHARE',
          `share ${share.position} is of a ${share.value.length}-byte secret but share 1 of a ${first.value.length}-byte one`,
          { share: share.position },
        );
      }
      const earlier = byIndex.get(share.index);
      if (earlier !== undefined) {
        throw new MeshError(
          'INVALID_SHARE',
          `shares ${earlier} and ${share.position} are both share number ${share.index}`,
          { share: share.position, duplicateOf: earlier },
        );
      }
      byIndex.set(share.index, share.position);
    }
    if (read.length < first.threshold) {
      throw new MeshError(
        'INVALID_SHARE',
        `shares: ${first.threshold} are needed, ${read.length} given`,
        { needed: first.threshold, given: read.length },
      );
    }
    if (!first.legacy) return interpolate(read.slice(0, first.threshold));
    try {
      return await combine(read.map((share) => share.value));
    } catch (error) {
      throw new MeshError(
        'INVALID_SHARE',
        'shares: they come from different splits (two carry the same coordinate)',
        {},
        { cause: error },
      );
    }
  } finally {
    for (const share of read) share.value.fill(0);
  }
}
