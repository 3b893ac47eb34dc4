/**
 * Base32 as RFC 4648 section 6 defines it: the alphabet A-Z 2-7, upper case, no `=` padding.
 * UDF presentation (docs/architecture.md section 4) is built on this; UDF-level tolerance of lower
 * case and dashes lives in shared/udf.ts, not here.
 */
import { MeshError } from '../errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const VALUES: ReadonlyMap<string, number> = new Map(
  Array.from(ALPHABET, (character, value) => [character, value]),
);

/** Encodes bytes as RFC 4648 Base32, upper case, without padding (RFC 4648 section 6, 3.2). */
export function base32Encode(bytes: Uint8Array): string {
  let text = '';
  let buffer = 0;
  let bufferedBits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bufferedBits += 8;
    while (bufferedBits >= 5) {
      bufferedBits -= 5;
      text += ALPHABET[(buffer >> bufferedBits) & 31];
    }
  }
  if (bufferedBits > 0) text += ALPHABET[(buffer << (5 - bufferedBits)) & 31];
  return text;
}

/** The 5-bit value of each character; names the first character outside the alphabet. */
function characterValues(text: string): number[] {
  const values: number[] = [];
  for (let position = 0; position < text.length; position++) {
    const character = text.charAt(position);
    const value = VALUES.get(character);
    if (value === undefined) {
      throw new MeshError(
        'INVALID_ARGUMENT',
        `Base32: character ${JSON.stringify(character)} at position ${position + 1} is not in the RFC 4648 alphabet (A-Z, 2-7)`,
        { position: position + 1 },
      );
    }
    values.push(value);
  }
  return values;
}

/** Packs 5-bit values into whole bytes; the bits of a final partial byte are dropped. */
function packBits(values: readonly number[]): { bytes: Uint8Array; leftover: number } {
  const bytes = new Uint8Array(Math.floor((values.length * 5) / 8));
  let buffer = 0;
  let bufferedBits = 0;
  let index = 0;
  for (const value of values) {
    buffer = ((buffer << 5) | value) & 0xfff;
    bufferedBits += 5;
    if (bufferedBits >= 8) {
      bufferedBits -= 8;
      bytes[index++] = (buffer >> bufferedBits) & 0xff;
    }
  }
  return { bytes, leftover: buffer & ((1 << bufferedBits) - 1) };
}

/**
 * Decodes canonical RFC 4648 Base32 (upper case, no padding). Rejects characters outside the
 * alphabet, lengths no byte string encodes to, and non-zero trailing bits (RFC 4648 section 3.5),
 * so that every byte string has exactly one accepted text.
 */
export function base32Decode(text: string): Uint8Array {
  const remainder = text.length % 8;
  if (remainder === 1 || remainder === 3 || remainder === 6) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `Base32: ${text.length} characters is not the length of any encoded byte string`,
      { length: text.length },
    );
  }
  const { bytes, leftover } = packBits(characterValues(text));
  if (leftover !== 0) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'Base32: the unused bits of the last character are not zero',
    );
  }
  return bytes;
}

/**
 * Decodes a Base32 prefix of any length, such as a UDF truncated to a precision that is not a
 * whole number of bytes: returns the whole bytes it carries and ignores the remaining 1-4 bits.
 */
export function base32DecodePrefix(text: string): Uint8Array {
  return packBits(characterValues(text)).bytes;
}
