/**
 * Where the service checks Ed25519 signatures (service/crypto/signature-checks.ts): on the event
 * loop when the service is quiet, in libuv's thread pool when checks come together; the same
 * answer either way.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { checkSignature, checksInPool } from '../../../service/crypto/signature-checks';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519').publicKey;

function signed(text: string): { data: Buffer; signature: Buffer } {
  const data = Buffer.from(text);
  return { data, signature: sign(null, data, privateKey) };
}

describe('checkSignature', () => {
  // First in this file: the module has seen no checks yet, so the service counts as quiet.
  it('checks a lone signature on the event loop when the service is quiet', async () => {
    const { data, signature } = signed('alone');
    const answer = checkSignature(data, publicKey, signature);
    await nextTurn();
    expect(checksInPool()).toBe(0);
    expect(await answer).toBe(true);
  });

  it('sends checks that come together to the thread pool, each with its own answer', async () => {
    const checks = Array.from({ length: 24 }, (_, i) => {
      const { data, signature } = signed(`message ${i}`);
      if (i % 3 === 1) signature[5] = (signature[5] ?? 0) ^ 1; // altered signature
      if (i % 3 === 2) return checkSignature(data, other, signature); // another key
      return checkSignature(data, publicKey, signature);
    });
    await nextTurn();
    // Sent at the end of the turn they were asked in, not yet answered.
    expect(checksInPool()).toBe(24);
    const answers = await Promise.all(checks);
    expect(answers).toEqual(Array.from({ length: 24 }, (_, i) => i % 3 === 0));
    expect(checksInPool()).toBe(0);
  });

  it('answers false, never throws, for a signature that is not 64 bytes', async () => {
    const { data, signature } = signed('short');
    expect(await checkSignature(data, publicKey, signature.subarray(0, 63))).toBe(false);
    expect(
      await Promise.all([
        checkSignature(data, publicKey, Buffer.alloc(0)),
        checkSignature(data, publicKey, Buffer.concat([signature, Buffer.of(0)])),
      ]),
    ).toEqual([false, false]);
  });
});
