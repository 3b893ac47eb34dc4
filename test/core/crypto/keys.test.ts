import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import { spkiFromPublicJwk } from '../../../shared/crypto/public-key';
import { isMeshError } from '../../../shared/errors';
import {
  KEY_LABELS,
  deriveKeyPair,
  exportPrivateJwk,
  generateSeed,
  importKeyPair,
  privateKeyOf,
  type KeyAlgorithm,
} from '../../../electron/core/crypto/keys';

const seed = Uint8Array.from({ length: 32 }, (_, index) => index);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

// Known answers, computed once with Python 3 and pyca/cryptography 48, independently of this
// code: d = HKDF-SHA-512 written out from RFC 5869 with hmac/hashlib (no salt = 64 zero bytes,
// info = label, 32 bytes) over seed bytes(range(32)); x = Ed25519PrivateKey / X25519PrivateKey
// .from_private_bytes(d).public_key() raw; udf = the UDF (udf.test.ts recipe) of its SPKI DER.
const known: { label: string; algorithm: KeyAlgorithm; d: string; x: string; udf: string }[] = [
  {
    label: 'mesh/master/sign',
    algorithm: 'Ed25519',
    d: 'a19d6761687a31518b69424cfd3fc2f4db144ebd0ab6171172933282be67f763',
    x: 'tDmq4dPNOtoX1YBeRWsYCF9-GedHfyLUFvG1-XzV8Rk',
    udf: 'MB4C-6SPQ-YYMN-56W5-6QTJ-6BDB-FULW',
  },
  {
    label: 'mesh/device/encrypt',
    algorithm: 'X25519',
    d: '200d7c0fa4340c359ce9c7b2e9ccb12d522b903649128e83b959dc64fe11aa32',
    x: '4ZpYuk_uKStBt8Rj31kdhKeoPtZlS4C6JC_PQsH7_Dk',
    udf: 'MCIH-I3YM-DQCZ-7I3Y-O3NE-ORLV-EOAJ',
  },
  {
    label: 'mesh/device/sign',
    algorithm: 'Ed25519',
    d: 'adcae5907c2f00a80093db84fc64e0d04944cb8041f2ab688dff85d5b2579182',
    x: 'xS_SeI6TokSmDOwReuhODHE7ETMNEvRynIqXO2ZtWnk',
    udf: 'MAD6-K2MD-WJ2S-4J3Q-FAX5-BVDU-SOFH',
  },
];

describe('deriveKeyPair', () => {
  it.each(known)('gives the known $algorithm key for $label', ({ label, algorithm, d, x, udf }) => {
    const pair = deriveKeyPair(seed, label, algorithm);
    expect(exportPrivateJwk(pair)).toEqual({ kty: 'OKP', crv: algorithm, x, d: b64(d) });
    expect(pair.publicJwk).toEqual({ kty: 'OKP', crv: algorithm, x });
    expect(pair.udf).toBe(udf);
    expect(pair.label).toBe(label);
    expect(pair.algorithm).toBe(algorithm);
  });

  it('agrees with node:crypto: HKDF, the public key from d, and the SPKI DER', () => {
    for (let round = 0; round < 8; round++) {
      const randomSeed = generateSeed();
      const algorithm: KeyAlgorithm = round % 2 === 0 ? 'Ed25519' : 'X25519';
      const label = Object.values(KEY_LABELS)[round % 6]!;
      const pair = deriveKeyPair(randomSeed, label, algorithm);
      const okm = Buffer.from(hkdfSync('sha512', randomSeed, Buffer.alloc(0), label, 32));
      expect(Buffer.from(privateKeyOf(pair))).toEqual(okm);
      const nodePrivate = createPrivateKey({
        key: { kty: 'OKP', crv: algorithm, d: okm.toString('base64url'), x: pair.publicJwk.x },
        format: 'jwk',
      });
      const nodePublic = createPublicKey(nodePrivate);
      expect(nodePublic.export({ format: 'jwk' })).toEqual(pair.publicJwk);
      expect(Buffer.from(spkiFromPublicJwk(pair.publicJwk))).toEqual(
        nodePublic.export({ type: 'spki', format: 'der' }),
      );
    }
  });

  it('gives the same keys for the same seed and different keys for each label and seed', () => {
    const again = deriveKeyPair(new Uint8Array(seed), KEY_LABELS.masterSign, 'Ed25519');
    expect(again.udf).toBe(known[0]!.udf);
    const udfs = new Set(
      Object.values(KEY_LABELS).map((label) => deriveKeyPair(seed, label, 'Ed25519').udf),
    );
    expect(udfs.size).toBe(6);
    expect(deriveKeyPair(generateSeed(), KEY_LABELS.masterSign, 'Ed25519').udf).not.toBe(
      known[0]!.udf,
    );
  });

  it.each([
    {
      description: 'a 31-byte seed',
      run: () => deriveKeyPair(new Uint8Array(31), 'x', 'Ed25519'),
      code: 'KEY_INVALID',
    },
    {
      description: 'an empty label',
      run: () => deriveKeyPair(seed, '', 'Ed25519'),
      code: 'INVALID_ARGUMENT',
    },
    {
      description: 'an unknown algorithm',
      run: () => deriveKeyPair(seed, 'x', 'Ed448' as KeyAlgorithm),
      code: 'INVALID_ARGUMENT',
    },
  ] as const)('rejects $description', ({ run, code }) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(isMeshError(thrown, code)).toBe(true);
  });
});

describe('generateSeed', () => {
  it('gives 32 fresh bytes each time', () => {
    const seeds = Array.from({ length: 20 }, () => Buffer.from(generateSeed()).toString('hex'));
    expect(new Set(seeds).size).toBe(20);
    expect(seeds[0]).toHaveLength(64);
  });
});

describe('the private key stays inside the key pair', () => {
  const pair = deriveKeyPair(seed, KEY_LABELS.deviceEncrypt, 'X25519');
  const d = exportPrivateJwk(pair).d;
  const dHex = known[1]!.d;

  it.each([
    ['JSON.stringify', () => JSON.stringify(pair)],
    ['JSON.stringify inside an object', () => JSON.stringify({ keys: [pair] })],
    ['util.inspect', () => inspect(pair, { showHidden: true, depth: 10 })],
    ['a template string', () => `${String(pair)}`],
    ['Object.keys and values', () => JSON.stringify(Object.entries(pair))],
  ])('%s shows no private key', (_name, show) => {
    const text = show();
    expect(text).not.toContain(d);
    expect(text).not.toContain(dHex);
    expect(text).toContain(pair.udf);
  });

  it('is frozen: the public part cannot be swapped', () => {
    expect(() => {
      (pair as { udf: string }).udf = 'MAAA';
    }).toThrow(TypeError);
  });
});

describe('JWK import and export', () => {
  it('round-trips a private JWK to an equal pair', () => {
    for (const { label, algorithm } of known) {
      const pair = deriveKeyPair(seed, label, algorithm);
      const imported = importKeyPair(exportPrivateJwk(pair), label);
      expect(imported.udf).toBe(pair.udf);
      expect(imported.algorithm).toBe(algorithm);
      expect(privateKeyOf(imported)).toEqual(privateKeyOf(pair));
    }
  });

  const good = exportPrivateJwk(deriveKeyPair(seed, KEY_LABELS.masterSign, 'Ed25519'));
  const mutations: { description: string; value: unknown }[] = [
    { description: 'x of another key', value: { ...good, x: known[2]!.x } },
    { description: 'a curve that does not match d', value: { ...good, crv: 'X25519' } },
    { description: 'a short d', value: { ...good, d: good.d.slice(0, 40) } },
    { description: 'd that is not base64url', value: { ...good, d: `${good.d.slice(1)}+` } },
    { description: 'no d', value: { kty: 'OKP', crv: 'Ed25519', x: good.x } },
    { description: 'an EC key', value: { ...good, kty: 'EC' } },
  ];
  it.each(mutations)('rejects $description with KEY_INVALID', ({ value }) => {
    let thrown: unknown;
    try {
      importKeyPair(value, 'mesh/master/sign');
    } catch (error) {
      thrown = error;
    }
    expect(isMeshError(thrown, 'KEY_INVALID')).toBe(true);
  });

  it('wipe() zeroes the private key and makes the pair unusable', () => {
    const pair = deriveKeyPair(seed, KEY_LABELS.masterSign, 'Ed25519');
    const bytes = privateKeyOf(pair);
    pair.wipe();
    expect(bytes.every((byte) => byte === 0)).toBe(true);
    expect(() => privateKeyOf(pair)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
    expect(() => exportPrivateJwk(pair)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });
});
