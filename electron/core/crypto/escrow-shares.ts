/**
 * Escrow shares of a secret (DESIGN.md sections 4 and 7, "Shares"): k-of-n Shamir secret
 * sharing over GF(2^8) by the audited `shamir-secret-sharing` package, each share written as a
 * type-144 UDF so that it can be written down, typed back and checked.
 *
 * Layout of the bytes behind one share UDF (presented in full, never truncated):
 *
 *   offset  length  content
 *   0       1       0x90, the UDF type byte of a secret share (144)
 *   1       1       threshold << 4 | (index - 1)   threshold k 2..15, index 1..n, n <= 15
 *   2       L + 1   the library's share: L bytes of y values, then its 1-byte x coordinate
 *   L + 3   5       checksum: the first 5 bytes of SHA-512 over bytes 0 .. L + 2
 *
 * For a 32-byte seed that is 40 bytes: exactly 64 Base32 characters in 16 groups, no fill bits.
 * The checksum catches a mistyped or swapped character (a false accept has probability 2^-40).
 * A missing or extra character usually fails as a bad length, but not always: the fill bits
 * of a shortened text can happen to be zero, and then it fails the checksum instead; among
 * several shares, a length unlike the others' then names it. The index is ours (1..n); the
 * library draws its own x coordinates. Shares from two different splits with the same
 * threshold and distinct indexes cannot be told apart here: they recover a wrong secret,
 * which recovery catches by comparing the regenerated master key UDF with the profile.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { combine, split } from 'shamir-secret-sharing';
import { isMeshError, MeshError } from '../../../shared/errors';
import { UDF_TYPE, parseUdf, udfFromTypedBytes } from '../../../shared/udf';

/** Most shares a split may have: the index must fit in four bits. */
export const MAX_SHARES = 15;
/** Secret sizes a split accepts, in bytes (a seed is 32). */
export const SECRET_MIN_BYTES = 16;
export const SECRET_MAX_BYTES = 64;
const CHECKSUM_BYTES = 5;

function checksum(bytes: Uint8Array): Uint8Array {
  return sha512(bytes).subarray(0, CHECKSUM_BYTES);
}

/**
 * Splits `secret` into `shares` type-144 share UDFs, any `threshold` of which rebuild it
 * (Shamir 1979; layout in the module comment). 2 <= threshold <= shares <= 15.
 */
export async function splitSecret(
  secret: Uint8Array,
  options: { shares: number; threshold: number },
): Promise<string[]> {
  const { shares, threshold } = options;
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
  if (secret.length < SECRET_MIN_BYTES || secret.length > SECRET_MAX_BYTES) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `shares: a secret of ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} bytes can be split, not ${secret.length}`,
      { bytes: secret.length },
    );
  }
  const pieces = await split(secret, shares, threshold);
  return pieces.map((piece, position) => {
    const body = new Uint8Array(2 + piece.length);
    body[0] = UDF_TYPE.share;
    body[1] = (threshold << 4) | position;
    body.set(piece, 2);
    const data = new Uint8Array(body.length - 1 + CHECKSUM_BYTES);
    data.set(body.subarray(1), 0);
    data.set(checksum(body), body.length - 1);
    const udf = udfFromTypedBytes(UDF_TYPE.share, data);
    piece.fill(0);
    body.fill(0);
    data.fill(0);
    return udf;
  });
}

interface ReadShare {
  position: number;
  threshold: number;
  index: number;
  piece: Uint8Array;
}

/** Characters of a share as typed, less the separators parseUdf tolerates. */
function shareCharacters(text: string): number {
  return text.replace(/[\s-]/g, '').length;
}

/** Why a share fails its checksum: a length unlike the other shares' means a lost or extra character. */
function checksumFailure(where: string, text: string, others: string[]): string {
  const length = shareCharacters(text);
  const other = others.map(shareCharacters).find((candidate) => candidate !== length);
  if (other !== undefined && others.every((candidate) => shareCharacters(candidate) === other)) {
    return `${where} is not a share: a character is missing or extra (${length} characters where the others have ${other})`;
  }
  return `${where} does not check: a character is mistyped, missing or extra, or two are swapped`;
}

function readShare(text: string, position: number, shares: string[]): ReadShare {
  const count = shares.length;
  const where = count === 1 ? 'the share' : `share ${position} of ${count}`;
  let bytes: Uint8Array;
  try {
    bytes = parseUdf(text, { expectType: UDF_TYPE.share }).bytes;
  } catch (error) {
    if (!isMeshError(error, 'INVALID_UDF')) throw error;
    throw new MeshError(
      'INVALID_SHARE',
      `${where} is not a share: ${error.message.replace(/^UDF: /, '')}`,
      { share: position },
      { cause: error },
    );
  }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const expected = checksum(body);
  const actual = bytes.subarray(bytes.length - CHECKSUM_BYTES);
  if (body.length < 4 || !expected.every((byte, offset) => byte === actual[offset])) {
    const others = shares.filter((_, offset) => offset !== position - 1);
    throw new MeshError('INVALID_SHARE', checksumFailure(where, text, others), {
      share: position,
    });
  }
  const threshold = body[1]! >> 4;
  const index = (body[1]! & 0x0f) + 1;
  if (threshold < 2 || index > MAX_SHARES) {
    throw new MeshError('INVALID_SHARE', `${where} has an impossible threshold ${threshold}`, {
      share: position,
    });
  }
  return { position, threshold, index, piece: body.slice(2) };
}

/**
 * Rebuilds the secret from share UDFs made by splitSecret (any order, case and dashes).
 * INVALID_SHARE names the share at fault: not a share, a typo (checksum), another threshold,
 * another secret length, a repeated index; or says how many more shares are needed.
 */
export async function recoverSecret(shares: string[]): Promise<Uint8Array> {
  if (shares.length === 0) {
    throw new MeshError('INVALID_SHARE', 'shares: none given', { needed: 2, given: 0 });
  }
  const read = shares.map((text, offset) => readShare(text, offset + 1, shares));
  try {
    const first = read[0]!;
    const byIndex = new Map<number, number>();
    for (const share of read) {
      if (share.threshold !== first.threshold) {
        throw new MeshError(
          'INVALID_SHARE',
          `share ${share.position} needs ${share.threshold} shares but share 1 needs ${first.threshold}: they come from different splits`,
          { share: share.position },
        );
      }
      if (share.piece.length !== first.piece.length) {
        throw new MeshError(
          'INVALID_SHARE',
          `share ${share.position} is of a ${share.piece.length - 1}-byte secret but share 1 of a ${first.piece.length - 1}-byte one`,
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
    try {
      return await combine(read.map((share) => share.piece));
    } catch (error) {
      throw new MeshError(
        'INVALID_SHARE',
        'shares: they come from different splits (two carry the same coordinate)',
        {},
        { cause: error },
      );
    }
  } finally {
    for (const share of read) share.piece.fill(0);
  }
}

/**
 * Checks one share as typed, alone (its form and its checksum), before the others are at hand:
 * returns its threshold and index; INVALID_SHARE, with the same words as recoverSecret, when it
 * is not a share or does not check.
 */
export function checkShare(text: string): { threshold: number; index: number } {
  const { threshold, index, piece } = readShare(text, 1, [text]);
  piece.fill(0);
  return { threshold, index };
}
