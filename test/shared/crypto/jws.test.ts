import { describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { isMeshError, type MeshErrorCode } from '../../../shared/errors';
import {
  decodeJwsUnverified,
  verifyDetached,
  verifyDetachedAsync,
  verifyJws,
  verifySignedJson,
} from '../../../shared/crypto/jws';
import { udfOfPublicKey, type PublicKeyJwk } from '../../../shared/crypto/public-key';

// Signed objects are made here with node:crypto alone, independently of electron/core/crypto,
// following RFC 7515 section 5.1: base64url(header) '.' base64url(payload) '.' base64url(sig).
function signer() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as PublicKeyJwk;
  return { jwk, privateKey, udf: udfOfPublicKey(jwk) };
}
function compact(header: object, payload: Uint8Array | string, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
function flipBit(text: string, part: number, byte: number): string {
  const parts = text.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[byte] = bytes[byte]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

const alice = signer();
const mallory = signer();
const profile = { Identifier: 'MAAA', Description: 'laptop' };
const good = compact(
  { alg: 'EdDSA', kid: alice.udf, cty: 'DeviceProfile' },
  JSON.stringify(profile),
  alice.privateKey,
);

describe('verifyJws', () => {
  it('verifies an EdDSA JWS made by node:crypto and returns header and payload', async () => {
    const { protectedHeader, payload } = await verifyJws(good, alice.jwk);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: alice.udf, cty: 'DeviceProfile' });
    expect(JSON.parse(Buffer.from(payload).toString())).toEqual(profile);
  });

  it('accepts a kid at another precision of the same key, and no kid at all', async () => {
    const longKid = compact(
      { alg: 'EdDSA', kid: udfOfPublicKey(alice.jwk, 260) },
      'x',
      alice.privateKey,
    );
    await expect(verifyJws(longKid, alice.jwk)).resolves.toBeDefined();
    await expect(
      verifyJws(compact({ alg: 'EdDSA' }, 'x', alice.privateKey), alice.jwk),
    ).resolves.toBeDefined();
  });

  // Negative cases as data: one mutation each, with the code it must give.
  const mutations: {
    description: string;
    jws: () => string;
    key?: PublicKeyJwk;
    code: MeshErrorCode;
  }[] = [
    {
      description: 'a flipped signature bit',
      jws: () => flipBit(good, 2, 10),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'a flipped payload bit',
      jws: () => flipBit(good, 1, 3),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'a truncated signature',
      jws: () => good.slice(0, -4),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'another signer’s key',
      jws: () => good,
      key: mallory.jwk,
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'a kid naming another key',
      jws: () => compact({ alg: 'EdDSA', kid: mallory.udf }, 'x', alice.privateKey),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'a kid that is no UDF',
      jws: () => compact({ alg: 'EdDSA', kid: 'alice' }, 'x', alice.privateKey),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'alg none',
      jws: () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('x').toString('base64url')}.`,
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'alg Ed25519 spelled another way',
      jws: () => compact({ alg: 'Ed25519' }, 'x', alice.privateKey),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'two parts',
      jws: () => good.split('.').slice(0, 2).join('.'),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'a header that is not JSON',
      jws: () => `bm90IGpzb24.${good.split('.').slice(1).join('.')}`,
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'an unencoded payload (crit b64, RFC 7797)',
      jws: () => compact({ alg: 'EdDSA', b64: false, crit: ['b64'] }, 'x', alice.privateKey),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'a kid that is not a string',
      jws: () => compact({ alg: 'EdDSA', kid: 7 }, 'x', alice.privateKey),
      code: 'SIGNATURE_INVALID',
    },
    {
      description: 'an X25519 key',
      jws: () => good,
      key: generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }) as PublicKeyJwk,
      code: 'KEY_INVALID',
    },
  ];
  it.each(mutations)('rejects $description with $code', async ({ jws, key, code }) => {
    expect(isMeshError(await rejection(verifyJws(jws(), key ?? alice.jwk)), code)).toBe(true);
  });
});

describe('decodeJwsUnverified', () => {
  it('reads header and payload without a key', () => {
    const { protectedHeader, payload } = decodeJwsUnverified(good);
    expect(protectedHeader.kid).toBe(alice.udf);
    expect(JSON.parse(Buffer.from(payload).toString())).toEqual(profile);
  });

  it('rejects a header without alg', () => {
    const jws = compact({ kid: alice.udf }, 'x', alice.privateKey);
    expect(() => decodeJwsUnverified(jws)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
  });
});

describe('verifySignedJson', () => {
  const schema = z.object({ Identifier: z.string(), Description: z.string() });

  it('returns the payload typed by the schema', async () => {
    await expect(
      verifySignedJson(good, alice.jwk, schema, { contentType: 'DeviceProfile' }),
    ).resolves.toEqual(profile);
  });

  it('names the field that does not match', async () => {
    const bad = compact(
      { alg: 'EdDSA', kid: alice.udf },
      JSON.stringify({ Identifier: 'M', Description: 7 }),
      alice.privateKey,
    );
    const error = await rejection(verifySignedJson(bad, alice.jwk, schema));
    expect(isMeshError(error, 'INVALID_MESSAGE')).toBe(true);
    expect((error as { details: { field: string } }).details.field).toBe('Description');
    expect((error as Error).message).toMatch(/field Description/);
  });

  it('rejects a payload that is not JSON, and the wrong cty', async () => {
    const notJson = compact({ alg: 'EdDSA' }, 'not json', alice.privateKey);
    expect(
      isMeshError(await rejection(verifySignedJson(notJson, alice.jwk, schema)), 'INVALID_MESSAGE'),
    ).toBe(true);
    const wrongType = verifySignedJson(good, alice.jwk, schema, { contentType: 'MasterProfile' });
    expect(isMeshError(await rejection(wrongType), 'INVALID_MESSAGE')).toBe(true);
  });

  it('checks the signature before the schema', async () => {
    const error = await rejection(verifySignedJson(flipBit(good, 2, 0), alice.jwk, schema));
    expect(isMeshError(error, 'SIGNATURE_INVALID')).toBe(true);
  });
});

describe('verifyDetached', () => {
  // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
  const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
  const vectors = [
    {
      x: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      message: '',
      signature:
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      x: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      message: '72',
      signature:
        '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
  ];
  it.each(vectors)(
    'verifies the RFC 8032 vector for message "$message"',
    async ({ x, message, signature }) => {
      const key: PublicKeyJwk = {
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(x, 'hex').toString('base64url'),
      };
      expect(verifyDetached(hex(message), hex(signature), key)).toBe(true);
      await expect(verifyDetachedAsync(hex(message), hex(signature), key)).resolves.toBe(true);
      const flipped = hex(signature);
      flipped[5] = flipped[5]! ^ 0x80;
      expect(verifyDetached(hex(message), flipped, key)).toBe(false);
      await expect(verifyDetachedAsync(hex(message), flipped, key)).resolves.toBe(false);
    },
  );

  it('agrees with node:crypto signatures and refuses other messages, keys and lengths', async () => {
    const message = new TextEncoder().encode('MMM-AUTH-1\nalice');
    const signature = new Uint8Array(sign(null, message, alice.privateKey));
    expect(verifyDetached(message, signature, alice.jwk)).toBe(true);
    expect(verifyDetached(message.subarray(1), signature, alice.jwk)).toBe(false);
    expect(verifyDetached(message, signature, mallory.jwk)).toBe(false);
    expect(verifyDetached(message, signature.subarray(0, 63), alice.jwk)).toBe(false);
    await expect(verifyDetachedAsync(message, signature, mallory.jwk)).resolves.toBe(false);
  });

  it('rejects a malleated signature whose S is not reduced (S + L)', () => {
    // Add the group order L to S (little-endian): RFC 8032 section 5.1.7 requires S < L.
    const message = new TextEncoder().encode('canonical');
    const signature = new Uint8Array(sign(null, message, alice.privateKey));
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!);
    let sPlusL = s + order;
    for (let i = 0; i < 32; i++) {
      signature[32 + i] = Number(sPlusL & 0xffn);
      sPlusL >>= 8n;
    }
    expect(verifyDetached(message, signature, alice.jwk)).toBe(false);
  });

  it('throws KEY_INVALID for an X25519 key', () => {
    const key = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }) as PublicKeyJwk;
    expect(() => verifyDetached(new Uint8Array(1), new Uint8Array(64), key)).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID' }),
    );
  });
});

describe('verifiers agree on edge-case keys', () => {
  // A key OpenSSL (node:crypto, WebCrypto) accepts but strict RFC 8032 decoding refuses: the
  // identity point with y written as p + 1 (non-canonical). Since anyone can sign for it
  // ([S]B = R with R = [S]B), such keys are refused outright, by every verifier alike.
  const p = 2n ** 255n - 19n;
  const littleEndian = (value: bigint) => {
    const bytes = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    return bytes;
  };
  const forged: PublicKeyJwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: littleEndian(p + 1n).toString('base64url'),
  };
  const message = new TextEncoder().encode('anyone can sign this');
  const signature = new Uint8Array(64);
  signature[0] = 1; // R = the identity (y = 1) and S = 0: [0]B = R + [k]A holds.

  it('node:crypto accepts the forged signature, which is why the key must be refused', () => {
    const nodeKey = createPublicKey({ key: { ...forged }, format: 'jwk' });
    expect(verify(null, message, nodeKey, signature)).toBe(true);
  });

  it('verifyDetached, verifyDetachedAsync and verifyJws refuse the key with KEY_INVALID', async () => {
    expect(() => verifyDetached(message, signature, forged)).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID' }),
    );
    expect(
      isMeshError(await rejection(verifyDetachedAsync(message, signature, forged)), 'KEY_INVALID'),
    ).toBe(true);
    expect(isMeshError(await rejection(verifyJws(good, forged)), 'KEY_INVALID')).toBe(true);
  });
});
