/**
 * The service's own Ed25519 key (docs/decisions.md "The service's own key"): it signs the log's
 * checkpoints. Generated at first start and kept with the data (the SQLite database in the data
 * directory, or the PostgreSQL database, so every process of one service signs with one key).
 * This is the service's key, not a user's.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import { udfOfPublicKey } from '../../shared/crypto/public-key';
import type { PublicKeyEntry } from '../../shared/profiles/public-key-entry';
import { MeshError } from '../../shared/errors';
import type { StorageBackend } from '../storage/backend';
import type { CheckpointSigner } from '../log/log-tree';

/** The name the key is stored under. */
const SECRET_NAME = 'checkpoint-signing-key';

/** The service key: its public half as a profile key entry, and a signer. */
export interface ServiceKey extends CheckpointSigner {
  readonly publicKey: PublicKeyEntry;
}

function newPrivateKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/** The service key, created and stored on first use. */
export async function loadServiceKey(
  backend: StorageBackend,
  options: { readonly init?: boolean } = {},
): Promise<ServiceKey> {
  // A log without its key cannot be extended under the checkpoints already handed out: a new
  // key is made only for an empty log, or when the operator says so (--init). The key is kept
  // with the log on both backends (SQLite's file, the PostgreSQL database), so both are checked;
  // processes starting at once on an empty log agree on one key (the first stored wins).
  const mayCreate = options.init === true || (await backend.logSize()) === 0;
  const stored = await backend.serviceSecret(SECRET_NAME, () => {
    if (!mayCreate) {
      throw new MeshError(
        'STORE_CORRUPT',
        "the service's signing key is missing from a database that holds a log; restore it from a backup, or start with --init to make a new key (clients will see a new ServiceKey)",
        { field: 'serviceKey' },
      );
    }
    return newPrivateKey();
  });
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.from(stored, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicJwk: PublicKeyJwk = { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) };
  const udf = udfOfPublicKey(publicJwk);
  return {
    udf,
    publicKey: { UDF: udf, PublicParameters: publicJwk },
    sign: (bytes) => new Uint8Array(sign(null, bytes, privateKey)),
  };
}
