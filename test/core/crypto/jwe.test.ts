import { describe, expect, it } from 'vitest';
import { generalDecrypt, importJWK } from 'jose';
import type { GeneralJwe } from '../../../shared/crypto/jwe-schema';
import { isMeshError, type MeshErrorCode } from '../../../shared/errors';
import {
  deriveKeyPair,
  exportPrivateJwk,
  generateSeed,
  KEY_LABELS,
} from '../../../electron/core/crypto/keys';
import { decryptWith, encryptFor } from '../../../electron/core/crypto/jwe';

const device = () => deriveKeyPair(generateSeed(), KEY_LABELS.deviceEncrypt, 'X25519');
const laptop = device();
const phone = device();
const stranger = device();
const signing = deriveKeyPair(generateSeed(), KEY_LABELS.deviceSign, 'Ed25519');
const plaintext = new TextEncoder().encode('{"Password":"correct horse battery staple"}');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
function alter(jwe: GeneralJwe, field: 'ciphertext' | 'tag' | 'iv' | 'protected'): GeneralJwe {
  const bytes = Buffer.from(jwe[field]!, 'base64url');
  bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01;
  return { ...jwe, [field]: bytes.toString('base64url') };
}

describe('encryptFor and decryptWith', () => {
  it('encrypts to one recipient: ECDH-ES+A256KW, A256GCM, kid = key UDF', async () => {
    const jwe = await encryptFor(plaintext, [laptop.publicJwk]);
    const header = JSON.parse(Buffer.from(jwe.protected!, 'base64url').toString()) as {
      enc: string;
    };
    expect(header.enc).toBe('A256GCM');
    expect(jwe.recipients).toHaveLength(1);
    expect(jwe.recipients[0]?.header).toMatchObject({ alg: 'ECDH-ES+A256KW', kid: laptop.udf });
    expect(JSON.stringify(jwe)).not.toContain('horse');
    await expect(decryptWith(jwe, laptop)).resolves.toEqual(plaintext);
  });

  it('encrypts once for many recipients, each of which decrypts', async () => {
    const jwe = await encryptFor(plaintext, [laptop.publicJwk, phone.publicJwk, laptop.publicJwk]);
    expect(jwe.recipients.map((recipient) => recipient.header?.kid)).toEqual([
      laptop.udf,
      phone.udf,
    ]);
    await expect(decryptWith(jwe, laptop)).resolves.toEqual(plaintext);
    await expect(decryptWith(jwe, phone)).resolves.toEqual(plaintext);
  });

  it('gives what jose decrypts on its own with the private JWK', async () => {
    const jwe = await encryptFor(plaintext, [phone.publicJwk, laptop.publicJwk]);
    const key = await importJWK(exportPrivateJwk(laptop), 'ECDH-ES+A256KW');
    const { plaintext: decrypted } = await generalDecrypt(
      jwe as Parameters<typeof generalDecrypt>[0],
      key,
    );
    expect(decrypted).toEqual(plaintext);
  });

  // Negative cases as data: one mutation each, and the code it must give.
  const cases: {
    description: string;
    make: () => Promise<GeneralJwe>;
    key?: typeof laptop;
    code: MeshErrorCode;
  }[] = [
    {
      description: 'a wrong recipient',
      make: () => encryptFor(plaintext, [phone.publicJwk]),
      key: stranger,
      code: 'NOT_A_RECIPIENT',
    },
    {
      description: 'a tampered ciphertext',
      make: async () => alter(await encryptFor(plaintext, [laptop.publicJwk]), 'ciphertext'),
      code: 'DECRYPTION_FAILED',
    },
    {
      description: 'a tampered tag',
      make: async () => alter(await encryptFor(plaintext, [laptop.publicJwk]), 'tag'),
      code: 'DECRYPTION_FAILED',
    },
    {
      description: 'a tampered iv',
      make: async () => alter(await encryptFor(plaintext, [laptop.publicJwk]), 'iv'),
      code: 'DECRYPTION_FAILED',
    },
    {
      description: 'a tampered protected header',
      make: async () =>
        alter(await encryptFor(plaintext, [laptop.publicJwk, phone.publicJwk]), 'protected'),
      code: 'DECRYPTION_FAILED',
    },
    {
      description: 'a wrapped key altered',
      make: async () => {
        const jwe = await encryptFor(plaintext, [laptop.publicJwk, phone.publicJwk]);
        const wrapped = Buffer.from(jwe.recipients[0]!.encrypted_key!, 'base64url');
        wrapped[3] = wrapped[3]! ^ 0x01;
        return {
          ...jwe,
          recipients: [
            { ...jwe.recipients[0]!, encrypted_key: wrapped.toString('base64url') },
            jwe.recipients[1]!,
          ],
        };
      },
      code: 'DECRYPTION_FAILED',
    },
    {
      description: "another device's entry relabelled with this key's kid",
      make: async () => {
        const jwe = await encryptFor(plaintext, [phone.publicJwk]);
        return {
          ...jwe,
          recipients: [
            { ...jwe.recipients[0]!, header: { ...jwe.recipients[0]!.header, kid: laptop.udf } },
          ],
        };
      },
      code: 'DECRYPTION_FAILED',
    },
    {
      description: 'a value that is not a general JWE',
      make: async () => ({ ...(await encryptFor(plaintext, [laptop.publicJwk])), recipients: [] }),
      code: 'INVALID_MESSAGE',
    },
    {
      description: 'an Ed25519 key to decrypt with',
      make: () => encryptFor(plaintext, [laptop.publicJwk]),
      key: signing,
      code: 'KEY_INVALID',
    },
  ];
  it.each(cases)('rejects $description with $code', async ({ make, key, code }) => {
    const jwe = await make();
    const error = await rejection(decryptWith(jwe, key ?? laptop));
    expect(isMeshError(error, code)).toBe(true);
    expect((error as Error).message).not.toContain('horse');
  });

  it('refuses to encrypt to nobody or to a signing key', async () => {
    expect(isMeshError(await rejection(encryptFor(plaintext, [])), 'INVALID_ARGUMENT')).toBe(true);
    expect(
      isMeshError(await rejection(encryptFor(plaintext, [signing.publicJwk])), 'KEY_INVALID'),
    ).toBe(true);
  });
});
