/**
 * Base64url as RFC 4648 section 5 defines it, without padding, as JOSE uses it (RFC 7515
 * section 2). Written out rather than taken from Buffer or atob so that shared/ stays isomorphic.
 */
import { MeshError } from '../errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const VALUES: ReadonlyMap<string, number> = new Map(
  Array.from(ALPHABET, (character, value) => [character, value]),
);

/** Encodes bytes as base64url without padding (RFC 4648 section 5, RFC 7515 section 2). */
export function base64urlEncode(bytes: Uint8Array): string {
  let text = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const group = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    text +=
      ALPHABET[group >> 18]! +
      ALPHABET[(group >> 12) & 63]! +
      ALPHABET[(group >> 6) & 63]! +
      ALPHABET[group & 63]!;
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const group = bytes[index]! << 16;
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]!;
  } else if (rest === 2) {
    const group = (bytes[index]! << 16) | (bytes[index + 1]! << 8);
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]! + ALPHABET[(group >> 6) & 63]!;
  }
  return text;
}

/**
 * Decodes canonical unpadded base64url. Rejects padding, characters outside the URL-safe
 * alphabet, impossible lengths and non-zero trailing bits, so each byte string has one text.
 */
export function base64urlDecode(text: string): Uint8Array {
  if (text.length % 4 === 1) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `base64url: ${text.length} characters is not the length of any encoded byte string`,
      { length: text.length },
    );
  }
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bufferedBits = 0;
  let index = 0;
  for (let position = 0; position < text.length; position++) {
    const character = text.charAt(position);
    const value = VALUES.get(character);
    if (value === undefined) {
      throw new MeshError(
        'INVALID_ARGUMENT',
        `base64url: character ${JSON.stringify(character)} at position ${position + 1} is not in the URL-safe alphabet`,
        { position: position + 1 },
      );
    }
    buffer = ((buffer << 6) | value) & 0xffff;
    bufferedBits += 6;
    if (bufferedBits >= 8) {
      bufferedBits -= 8;
      bytes[index++] = (buffer >> bufferedBits) & 0xff;
    }
  }
  if ((buffer & ((1 << bufferedBits) - 1)) !== 0) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'base64url: the unused bits of the last character are not zero',
    );
  }
  return bytes;
}
