/** UTF-8 (RFC 3629) through the platform's TextEncoder and TextDecoder, strict on decoding. */
import { MeshError } from '../errors';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes text as UTF-8 bytes (RFC 3629). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 bytes (RFC 3629); malformed sequences are an INVALID_ARGUMENT, never U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'UTF-8: the bytes are not well-formed UTF-8',
      {},
      { cause: error },
    );
  }
}
