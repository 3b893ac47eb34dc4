import { describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { isMeshError } from '../../../shared/errors';
import {
  parsePublicKeyJwk,
  publicJwkFromSpki,
  spkiFromPublicJwk,
  udfOfPublicKey,
  type PublicKeyJwk,
} from '../../../shared/crypto/public-key';

const hex = (text: string) => Buffer.from(text, 'hex').toString('base64url');

// RFC 8032 section 7.1 TEST 1 public key, and RFC 7748 section 6.1 Alice's public key.
const rfc8032Key: PublicKeyJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
};
const rfc7748Key: PublicKeyJwk = {
  kty: 'OKP',
  crv: 'X25519',
  x: hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'),
};

describe('spkiFromPublicJwk', () => {
  it("equals node:crypto's SPKI DER export for fresh Ed25519 and X25519 keys", () => {
    for (const type of ['ed25519', 'x25519'] as const) {
      for (let round = 0; round < 5; round++) {
        const { publicKey } = generateKeyPairSync(type as 'ed25519');
        const jwk = publicKey.export({ format: 'jwk' }) as PublicKeyJwk;
        const der = publicKey.export({ type: 'spki', format: 'der' });
        expect(Buffer.from(spkiFromPublicJwk(jwk))).toEqual(der);
        expect(publicJwkFromSpki(new Uint8Array(der))).toEqual(jwk);
      }
    }
  });

  it('gives DER that node:crypto reads back as the same key', () => {
    const key = createPublicKey({
      key: Buffer.from(spkiFromPublicJwk(rfc8032Key)),
      format: 'der',
      type: 'spki',
    });
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(key.export({ format: 'jwk' })).toEqual(rfc8032Key);
  });
});

describe('udfOfPublicKey', () => {
  // Known answers, computed once with Python 3 (hashlib + base64.b32encode, see udf.test.ts) over
  // bytes.fromhex('302a300506032b6570032100') + the RFC 8032 key (X25519: prefix ...2b656e...),
  // content type 'application/pkix-keyinfo'.
  it('is the UDF of the SPKI DER with content type application/pkix-keyinfo', () => {
    expect(udfOfPublicKey(rfc8032Key)).toBe('MCF2-2NZ4-KL4B-2AND-AJRD-4ACA-KSKZ');
    expect(udfOfPublicKey(rfc8032Key, 200)).toBe(
      'MCF2-2NZ4-KL4B-2AND-AJRD-4ACA-KSKZ-67JD-K6PE-FN3V',
    );
    expect(udfOfPublicKey(rfc7748Key)).toBe('MAMH-AIXO-HHIR-VJKK-SPEN-NOYN-DSAD');
  });
});

describe('publicKeyJwkSchema', () => {
  // Negative cases as data: each mutation of a good key and the member the error must name.
  const mutations: { description: string; value: unknown; member: string }[] = [
    { description: 'a private member d', value: { ...rfc8032Key, d: rfc8032Key.x }, member: 'key' },
    { description: 'another curve', value: { ...rfc8032Key, crv: 'Ed448' }, member: 'crv' },
    { description: 'another key type', value: { ...rfc8032Key, kty: 'EC' }, member: 'kty' },
    { description: 'a 31-byte x', value: { ...rfc8032Key, x: hex('00'.repeat(31)) }, member: 'x' },
    {
      description: 'padded base64 x',
      value: { ...rfc8032Key, x: `${rfc8032Key.x}=` },
      member: 'x',
    },
    { description: 'no x', value: { kty: 'OKP', crv: 'Ed25519' }, member: 'x' },
    { description: 'not an object', value: 'key', member: 'key' },
    // Ed25519 points: y = 1 is the identity (small order); y = 2 is on no point of the curve;
    // y = p + 1 (p = 2^255 - 19) is a non-canonical encoding of the identity.
    {
      description: 'a small-order Ed25519 point',
      value: { ...rfc8032Key, x: hex(`01${'00'.repeat(31)}`) },
      member: 'x',
    },
    {
      description: 'a y that is on no point',
      value: { ...rfc8032Key, x: hex(`02${'00'.repeat(31)}`) },
      member: 'x',
    },
    {
      description: 'a non-canonical y',
      value: { ...rfc8032Key, x: hex(`ee${'ff'.repeat(30)}7f`) },
      member: 'x',
    },
  ];
  it.each(mutations)(
    'rejects $description with KEY_INVALID naming $member',
    ({ value, member }) => {
      let thrown: unknown;
      try {
        parsePublicKeyJwk(value);
      } catch (error) {
        thrown = error;
      }
      expect(isMeshError(thrown, 'KEY_INVALID')).toBe(true);
      expect((thrown as { details: { member: string } }).details.member).toBe(member);
    },
  );

  it('rejects DER of another algorithm', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(() => publicJwkFromSpki(new Uint8Array(der))).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID' }),
    );
  });
});
