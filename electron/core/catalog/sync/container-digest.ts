/**
 * The running digest of a container as the device computes it (draft-hallambaker-mesh-protocol-00
 * section 10.4.5 ContainerStatus Digest; docs/protocol.md, Status): d(0) = 32 zero bytes, d(i) =
 * SHA-256(d(i-1) || SHA-256(UTF-8 of entry i's Payload)), base64url. The device chains it over the
 * entries it holds, so a service that shows it another history of a container than the one it
 * showed before - an entry changed, dropped or reordered - reports a digest the device's chain does
 * not reach.
 */
import { createHash } from 'node:crypto';

/** The digest of an empty container. */
export const EMPTY_CONTAINER_DIGEST = Buffer.alloc(32).toString('base64url');

/** The digest after appending `payload` to a container whose digest is `previous`. */
export function nextContainerDigest(previous: string, payload: string): string {
  const entry = createHash('sha256').update(payload, 'utf8').digest();
  return createHash('sha256')
    .update(Buffer.from(previous, 'base64url'))
    .update(entry)
    .digest('base64url');
}
