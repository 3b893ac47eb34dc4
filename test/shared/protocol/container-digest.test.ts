/**
 * The running container digest (shared/protocol/container-digest.ts). Known answers computed
 * independently with node:crypto from the definition in draft-hallambaker-mesh-protocol-00
 * section 10.4.5 as docs/protocol.md (Status) writes it: d(0) = 32 zero bytes,
 * d(i) = SHA-256(d(i-1) || SHA-256(UTF-8 Payload(i))), base64url without padding.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_CONTAINER_DIGEST,
  nextContainerDigest,
} from '../../../shared/protocol/container-digest';

function reference(payloads: string[]): string {
  let digest = Buffer.alloc(32);
  for (const payload of payloads) {
    const entry = createHash('sha256').update(Buffer.from(payload, 'utf8')).digest();
    digest = createHash('sha256').update(digest).update(entry).digest();
  }
  return digest.toString('base64url');
}

describe('container digest', () => {
  it('starts at 32 zero bytes', () => {
    expect(EMPTY_CONTAINER_DIGEST).toBe('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(EMPTY_CONTAINER_DIGEST).toBe(reference([]));
  });

  it('chains SHA-256 over the UTF-8 of each payload, in order', () => {
    const payloads = ['one', 'two', 'é∑ 🔑', ''];
    const chained = payloads.reduce(nextContainerDigest, EMPTY_CONTAINER_DIGEST);
    expect(chained).toBe(reference(payloads));
    expect(nextContainerDigest(EMPTY_CONTAINER_DIGEST, 'one')).toBe(
      'x-M0dXCCH-1DaQwhJc42sfsMp3h7oPIZuOde4Px7RkQ',
    );
    const reordered = ['two', 'one', 'é∑ 🔑', ''].reduce(
      nextContainerDigest,
      EMPTY_CONTAINER_DIGEST,
    );
    expect(reordered).not.toBe(chained);
  });
});
