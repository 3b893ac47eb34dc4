/**
 * Encryption to Mesh keys: JWE general JSON serialization (RFC 7516 section 7.2.1) with
 * ECDH-ES+A256KW over X25519 (RFC 8037 section 3.2, RFC 7518 section 4.6) and A256GCM, through
 * jose on the platform's native crypto. Each recipient's header carries kid = the UDF of its
 * key, so a device finds its own entry without trying the others.
 */
import { GeneralEncrypt, generalDecrypt, importJWK, type GeneralJWE } from 'jose';
import { generalJweSchema, type GeneralJwe } from '../../../shared/crypto/jwe-schema';
import {
  parsePublicKeyJwk,
  udfOfPublicKey,
  type PublicKeyJwk,
} from '../../../shared/crypto/public-key';
import { MeshError } from '../../../shared/errors';
import { udfMatches } from '../../../shared/udf';
import { exportPrivateJwk, privateKeyOf, type MeshKeyPair } from './keys';

const KEY_MANAGEMENT = 'ECDH-ES+A256KW';
const CONTENT_ENCRYPTION = 'A256GCM';

const decryptionKeys = new WeakMap<MeshKeyPair, Promise<CryptoKey | Uint8Array>>();

/**
 * Encrypts `plaintext` once under a fresh content key and wraps that key for each X25519
 * recipient (RFC 7516 section 5.1); kid of each recipient = UDF of its key. Duplicates of one
 * key are wrapped once.
 */
export async function encryptFor(
  plaintext: Uint8Array,
  recipients: PublicKeyJwk[],
): Promise<GeneralJwe> {
  if (recipients.length === 0) {
    throw new MeshError('INVALID_ARGUMENT', 'encryptFor: at least one recipient is needed');
  }
  const encrypt = new GeneralEncrypt(plaintext).setProtectedHeader({ enc: CONTENT_ENCRYPTION });
  const seen = new Set<string>();
  for (const recipient of recipients) {
    const key = parsePublicKeyJwk(recipient);
    if (key.crv !== 'X25519') {
      throw new MeshError('KEY_INVALID', `encryptFor: a ${key.crv} key cannot be encrypted to`, {
        crv: key.crv,
      });
    }
    if (seen.has(key.x)) continue;
    seen.add(key.x);
    encrypt
      .addRecipient(await importJWK(key, KEY_MANAGEMENT))
      .setUnprotectedHeader({ alg: KEY_MANAGEMENT, kid: udfOfPublicKey(key) });
  }
  return generalJweSchema.parse(await encrypt.encrypt());
}

/**
 * Decrypts a general JWE with the recipient entry whose kid is this key's UDF (RFC 7516
 * section 5.2). NOT_A_RECIPIENT when there is none; DECRYPTION_FAILED when the entry does not
 * unwrap or the ciphertext, tag, iv or protected header was altered; INVALID_MESSAGE when the
 * value is not a general JWE at all.
 */
export async function decryptWith(jwe: GeneralJwe, key: MeshKeyPair): Promise<Uint8Array> {
  if (key.algorithm !== 'X25519') {
    throw new MeshError('KEY_INVALID', `key ${key.udf}: an ${key.algorithm} key cannot decrypt`);
  }
  privateKeyOf(key); // throws KEY_INVALID when the pair has been wiped
  const parsed = generalJweSchema.safeParse(jwe);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.map(String).join('.') ?? '';
    throw new MeshError(
      'INVALID_MESSAGE',
      `JWE: ${field || 'value'} is not as RFC 7516 7.2.1 requires`,
      {
        field,
      },
    );
  }
  const mine = parsed.data.recipients.filter((recipient) => kidNames(recipient.header?.kid, key));
  if (mine.length === 0) {
    throw new MeshError('NOT_A_RECIPIENT', `JWE: key ${key.udf} is not among its recipients`);
  }
  let imported = decryptionKeys.get(key);
  if (imported === undefined) {
    imported = importJWK(exportPrivateJwk(key), KEY_MANAGEMENT);
    decryptionKeys.set(key, imported);
  }
  const privateKey = await imported;
  let failure: unknown;
  for (const recipient of mine) {
    try {
      const single = { ...parsed.data, recipients: [recipient] } as GeneralJWE;
      const { plaintext } = await generalDecrypt(single, privateKey, {
        keyManagementAlgorithms: [KEY_MANAGEMENT],
        contentEncryptionAlgorithms: [CONTENT_ENCRYPTION],
      });
      return plaintext;
    } catch (error) {
      failure = error;
    }
  }
  throw new MeshError(
    'DECRYPTION_FAILED',
    'JWE: the content does not decrypt (altered, or not encrypted to this key)',
    {},
    { cause: failure },
  );
}

function kidNames(kid: string | undefined, key: MeshKeyPair): boolean {
  if (kid === undefined) return false;
  try {
    return udfMatches(kid, key.udf);
  } catch {
    return false;
  }
}
