/**
 * Checks on a JSON body before it is parsed (RFC 8259 section 9 lets a parser limit nesting; RFC
 * 3629 section 3 forbids decoding invalid UTF-8 octet sequences): a body that nests deeper than
 * a Mesh message ever does is refused before JSON.parse spends time on it, and a body that is not
 * valid UTF-8 is refused instead of being stored with replacement characters.
 */
import { MeshError } from '../errors';

/** Deeper than any Mesh request (an escrow entry's JWE is about 7 levels). */
export const MAX_JSON_DEPTH = 32;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether `bytes` holds at most `max` `[` and `{` in all (found by indexOf, not byte by byte). */
function fewOpenings(bytes: Uint8Array, max: number): boolean {
  let count = 0;
  for (const open of [0x5b, 0x7b]) {
    for (let at = bytes.indexOf(open); at !== -1; at = bytes.indexOf(open, at + 1)) {
      if (++count > max) return false;
    }
  }
  return true;
}

/** True when the JSON text in `bytes` opens more than `max` arrays or objects at once. */
export function jsonNestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  // No text with at most `max` openings (strings included) can nest deeper: most bodies.
  if (fewOpenings(bytes, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * The text of a JSON body: INVALID_MESSAGE when it is not valid UTF-8 or nests deeper than
 * `maxDepth`.
 */
export function jsonBodyText(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): string {
  if (jsonNestsDeeperThan(bytes, maxDepth)) {
    throw new MeshError('INVALID_MESSAGE', `the body nests deeper than ${maxDepth} levels`, {
      field: 'body',
    });
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MeshError('INVALID_MESSAGE', 'the body is not valid UTF-8', { field: 'body' });
  }
}
