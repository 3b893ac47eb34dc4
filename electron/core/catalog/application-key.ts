/**
 * Application keys (docs/architecture.md section 3): each catalog application has one 256-bit
 * symmetric key under which its entries are encrypted (entry-sealing.ts). The key is wrapped with
 * JWE (ECDH-ES+A256KW, A256GCM; electron/core/crypto/jwe.ts) for the DeviceEncryptionKey of every
 * device in the application's DecryptID, and the wrap travels in the signed personal profile.
 * Each key has its own container: rotating the key (a device was removed) starts a new container
 * holding the entries re-encrypted under the new key, so one container never mixes keys.
 *
 * A device keeps the keys of the containers it holds a replica of in its local store (kind
 * `catalog`), sealed like everything there, so it can still read an old container's replica
 * after the personal profile has moved on to a new key.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { base32Encode } from '../../../shared/encoding/base32';
import { base64urlDecode, base64urlEncode } from '../../../shared/encoding/base64url';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import type { PublicKeyJwk } from '../../../shared/crypto/public-key';
import type { GeneralJwe } from '../../../shared/crypto/jwe-schema';
import { MeshError, isMeshError } from '../../../shared/errors';
import { udfFromData, udfMatches } from '../../../shared/udf';
import { decryptWith, encryptFor } from '../crypto/jwe';
import type { MeshKeyPair } from '../crypto/keys';
import type { LocalStore } from '../store/local-store';
import type { CatalogApplication } from './application-entry';
import { CATALOG_KINDS, CATALOG_TYPES, type CatalogType } from './catalog-kinds';

/** Bytes of an application key (AES-256-GCM). */
export const APPLICATION_KEY_BYTES = 32;
/** Content type of the key fingerprint (KeyID). */
const KEY_ID_CONTENT_TYPE = 'application/mmm-application-key';
/** Precision of KeyID: it only names a key among a handful. */
const KEY_ID_BITS = 100;

/** An application key with what it belongs to. The key bytes never leave electron/core. */
export interface CatalogKey {
  readonly type: CatalogType;
  /** The application profile's Identifier. */
  readonly application: string;
  /** The container whose entries are encrypted under this key. */
  readonly container: string;
  readonly keyId: string;
  /** The 32 key bytes (wipe with wipeCatalogKey when done). */
  readonly key: Uint8Array;
}

/** The fingerprint that names an application key (KeyID). */
export function keyIdOf(key: Uint8Array): string {
  return udfFromData(key, KEY_ID_CONTENT_TYPE, { bits: KEY_ID_BITS });
}

/** A new container name for `type`: the kind's prefix and 80 random bits. */
export function newContainerName(type: CatalogType): string {
  return CATALOG_KINDS[type].containerPrefix + base32Encode(new Uint8Array(randomBytes(10)));
}

/** A fresh random key for the application `application` of `type`, with its own container. */
export function newCatalogKey(type: CatalogType, application: string): CatalogKey {
  const key = new Uint8Array(randomBytes(APPLICATION_KEY_BYTES));
  return { type, application, container: newContainerName(type), keyId: keyIdOf(key), key };
}

/** Overwrite the key bytes (the object is useless afterwards). */
export function wipeCatalogKey(key: CatalogKey): void {
  key.key.fill(0);
}

/** What a wrap holds: the key and what it is for, so a wrap cannot be moved to another entry. */
const wrappedKeySchema = z.strictObject({
  Application: z.string(),
  Type: z.enum(CATALOG_TYPES),
  Container: z.string(),
  KeyID: z.string(),
  Key: z.string(),
});

/**
 * The key wrapped for each device encryption key in `recipients` (docs/architecture.md section 3).
 */
export async function wrapCatalogKey(
  key: CatalogKey,
  recipients: readonly PublicKeyJwk[],
): Promise<GeneralJwe> {
  const plaintext = utf8Encode(
    JSON.stringify({
      Application: key.application,
      Type: key.type,
      Container: key.container,
      KeyID: key.keyId,
      Key: base64urlEncode(key.key),
    }),
  );
  try {
    return await encryptFor(plaintext, [...recipients]);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * The application key of `application`, unwrapped with this device's encryption key and
 * checked against the entry (Identifier, Type, Container, KeyID). NOT_A_RECIPIENT when the key
 * is not wrapped for this device; DECRYPTION_FAILED / UNTRUSTED_PROFILE when the wrap is bad.
 */
export async function unwrapCatalogKey(
  application: CatalogApplication,
  deviceEncryptionKey: MeshKeyPair,
): Promise<CatalogKey> {
  let plaintext: Uint8Array;
  try {
    plaintext = await decryptWith(application.EncryptedKey, deviceEncryptionKey);
  } catch (error) {
    if (isMeshError(error, 'NOT_A_RECIPIENT')) {
      throw new MeshError(
        'NOT_A_RECIPIENT',
        `the ${application.Type} application key is not shared with this device yet: an administrator device shares it when it accepts a device, or when it syncs`,
        { type: application.Type, reason: 'key-not-shared' },
        { cause: error },
      );
    }
    throw error;
  }
  let wrapped: z.infer<typeof wrappedKeySchema>;
  try {
    wrapped = wrappedKeySchema.parse(JSON.parse(utf8Decode(plaintext)));
  } catch {
    // No cause: JSON.parse quotes the text it failed on, and this text is a decrypted key.
    throw badWrap(application, 'is not a wrapped application key');
  } finally {
    plaintext.fill(0);
  }
  const key = base64urlDecode(wrapped.Key);
  if (key.length !== APPLICATION_KEY_BYTES) {
    key.fill(0);
    throw badWrap(application, 'holds a key of the wrong size');
  }
  if (
    wrapped.Application !== application.Identifier ||
    wrapped.Type !== application.Type ||
    wrapped.Container !== application.Container ||
    wrapped.KeyID !== application.KeyID ||
    !udfMatches(keyIdOf(key), application.KeyID)
  ) {
    key.fill(0);
    throw badWrap(application, 'was made for another application key');
  }
  return {
    type: application.Type,
    application: application.Identifier,
    container: application.Container,
    keyId: application.KeyID,
    key,
  };
}

function badWrap(application: CatalogApplication, problem: string, cause?: unknown): MeshError {
  return new MeshError(
    'UNTRUSTED_PROFILE',
    `the ${application.Type} application's EncryptedKey ${problem}`,
    { field: 'EncryptedKey', type: application.Type },
    cause === undefined ? undefined : { cause },
  );
}

/** A key as the local store keeps it (kind `catalog`, name = the container). */
const storedKeySchema = z.object({
  type: z.enum(CATALOG_TYPES),
  application: z.string(),
  container: z.string(),
  keyId: z.string(),
  key: z.string(),
});

const STORE_KIND = 'catalog';

/** Keep `key` in the local store, for reading its container's replica later. */
export function saveCatalogKey(store: LocalStore, key: CatalogKey): void {
  store.putDocument(STORE_KIND, key.container, {
    type: key.type,
    application: key.application,
    container: key.container,
    keyId: key.keyId,
    key: base64urlEncode(key.key),
  });
}

/** Every key kept in the local store (one per container replica this device holds). */
export function listCatalogKeys(store: LocalStore): CatalogKey[] {
  return store.listDocuments(STORE_KIND, storedKeySchema).map(({ name, value }) => {
    const key = base64urlDecode(value.key);
    if (name !== value.container || key.length !== APPLICATION_KEY_BYTES) {
      throw new MeshError('STORE_CORRUPT', 'a kept application key is malformed', {
        reason: 'record',
      });
    }
    return {
      type: value.type,
      application: value.application,
      container: value.container,
      keyId: value.keyId,
      key,
    };
  });
}

/** Forget the key of a container (its replica is gone). */
export function deleteCatalogKey(store: LocalStore, container: string): void {
  store.deleteDocument(STORE_KIND, container);
}
