/**
 * The running digest of a container (docs/protocol.md, Status): d0 = 32 zero bytes,
 * d(i) = SHA-256(d(i-1) || SHA-256(UTF-8 Payload(i))), base64url. A client that holds the same
 * entries computes the same value, so one comparison tells it its replica matches.
 */
import { createHash } from 'node:crypto';

/** The digest of an empty container. */
export const EMPTY_DIGEST = Buffer.alloc(32).toString('base64url');

/** The digest after appending `payload` to a container whose digest is `previous`. */
export function nextDigest(previous: string, payload: string): string {
  const entryHash = createHash('sha256').update(payload, 'utf8').digest();
  return createHash('sha256')
    .update(Buffer.from(previous, 'base64url'))
    .update(entryHash)
    .digest('base64url');
}
