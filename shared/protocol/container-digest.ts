/**
 * The running digest of a container (draft-hallambaker-mesh-protocol-00 section 10.4.5
 * ContainerStatus Digest; docs/protocol.md, Status): d(0) = 32 zero bytes, d(i) =
 * SHA-256(d(i-1) || SHA-256(UTF-8 of entry i's Payload)), base64url (RFC 4648 section 5, no
 * padding). The service reports it with each container's Index; the device chains it over the
 * entries it holds, so a service that shows it another history of a container than the one it
 * showed before (an entry changed, dropped or reordered) reports a digest the device's chain
 * does not reach. One definition for both sides. Isomorphic: SHA-256 from @noble/hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlDecode, base64urlEncode } from '../encoding/base64url';
import { utf8Encode } from '../encoding/utf8';

/** The digest of an empty container. */
export const EMPTY_CONTAINER_DIGEST = base64urlEncode(new Uint8Array(32));

/** The digest after appending `payload` to a container whose digest is `previous`. */
export function nextContainerDigest(previous: string, payload: string): string {
  const entry = sha256(utf8Encode(payload));
  return base64urlEncode(sha256.create().update(base64urlDecode(previous)).update(entry).digest());
}
