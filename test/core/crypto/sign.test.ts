import { describe, expect, it } from 'vitest';
import { createPublicKey, verify } from 'node:crypto';
import { z } from 'zod';
import { verifyDetached, verifyJws, verifySignedJson } from '../../../shared/crypto/jws';
import { isMeshError } from '../../../shared/errors';
import { deriveKeyPair, generateSeed, KEY_LABELS } from '../../../electron/core/crypto/keys';
import { signDetached, signJson } from '../../../electron/core/crypto/sign';

const seed = generateSeed();
const masterSign = deriveKeyPair(seed, KEY_LABELS.masterSign, 'Ed25519');
const onlineSign = deriveKeyPair(seed, KEY_LABELS.masterOnlineSign, 'Ed25519');
const encrypt = deriveKeyPair(seed, KEY_LABELS.deviceEncrypt, 'X25519');
const nodeKey = (jwk: object) => createPublicKey({ key: { ...jwk }, format: 'jwk' });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('signJson', () => {
  const profile = { Identifier: masterSign.udf, MasterSignatureKey: { UDF: masterSign.udf } };

  it('makes a compact JWS with alg EdDSA, kid = key UDF, cty = content type', async () => {
    const jws = await signJson(profile, masterSign, 'MasterProfile');
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      kid: masterSign.udf,
      cty: 'MasterProfile',
    });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual(profile);
    // node:crypto verifies it on its own (RFC 7515 section 5.2 signing input).
    expect(
      verify(
        null,
        Buffer.from(`${header}.${payload}`),
        nodeKey(masterSign.publicJwk),
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
  });

  it('round-trips through verifySignedJson and fails with any other key', async () => {
    const jws = await signJson(profile, masterSign, 'MasterProfile');
    const schema = z.object({
      Identifier: z.string(),
      MasterSignatureKey: z.object({ UDF: z.string() }),
    });
    await expect(
      verifySignedJson(jws, masterSign.publicJwk, schema, { contentType: 'MasterProfile' }),
    ).resolves.toEqual(profile);
    expect(
      isMeshError(await rejection(verifyJws(jws, onlineSign.publicJwk)), 'SIGNATURE_INVALID'),
    ).toBe(true);
  });

  it('refuses an X25519 key, a wiped key and a value without JSON form', async () => {
    expect(isMeshError(await rejection(signJson({}, encrypt, 'X')), 'KEY_INVALID')).toBe(true);
    expect(
      isMeshError(await rejection(signJson(undefined, masterSign, 'X')), 'INVALID_ARGUMENT'),
    ).toBe(true);
    const wiped = deriveKeyPair(seed, 'mesh/test/wiped', 'Ed25519');
    wiped.wipe();
    expect(isMeshError(await rejection(signJson({}, wiped, 'X')), 'KEY_INVALID')).toBe(true);
  });
});

describe('signDetached', () => {
  it('makes a raw Ed25519 signature that node:crypto and verifyDetached accept', () => {
    const message = new TextEncoder().encode('MMM-AUTH-1\nalice\nMAAA');
    const signature = signDetached(message, onlineSign);
    expect(signature).toHaveLength(64);
    expect(verify(null, message, nodeKey(onlineSign.publicJwk), signature)).toBe(true);
    expect(verifyDetached(message, signature, onlineSign.publicJwk)).toBe(true);
    expect(verifyDetached(message, signature, masterSign.publicJwk)).toBe(false);
    // Ed25519 is deterministic (RFC 8032 section 5.1.6): the same message gives the same bytes.
    expect(signDetached(message, onlineSign)).toEqual(signature);
  });

  it('refuses an X25519 key', () => {
    expect(() => signDetached(new Uint8Array(1), encrypt)).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID' }),
    );
  });
});
