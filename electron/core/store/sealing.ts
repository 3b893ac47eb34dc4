/**
 * Encryption of the local store's records (docs/architecture.md section 7, "Device state"):
 * AES-256-GCM from node:crypto, a fresh random 96-bit IV per write, and associated data naming the
 * record's place (format version, store id, table, row key), so a record copied to another row,
 * table or store, or altered in any bit, fails to open. Record names are looked up by an HMAC tag,
 * never stored in clear. Keys come from the one local-store key in the KeyStore through
 * HKDF-SHA-256 (RFC 5869).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { MeshError } from '../../../shared/errors';

/** Bytes of the local-store key kept in the KeyStore. */
export const STORE_KEY_BYTES = 32;
/** Format label at the start of every record's associated data. */
export const STORE_FORMAT = 'mesh-local-store/1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals and opens the records of one local store. */
export interface StoreSealer {
  /** iv || ciphertext || tag of `plaintext`, bound to `place`. */
  seal(place: Uint8Array, plaintext: Uint8Array): Buffer;
  /** The plaintext of `sealed`; STORE_CORRUPT when it was altered or belongs elsewhere. */
  open(place: Uint8Array, sealed: Uint8Array, what: string): Buffer;
  /** A stable lookup tag for a record name (HMAC-SHA-256, 16 bytes). */
  tag(kind: string, name: string): Buffer;
  /** Forget the keys. */
  wipe(): void;
}

/** The sealer of the store `storeId` under `storeKey` (which the caller may wipe afterwards). */
export function storeSealer(storeKey: Uint8Array, storeId: string): StoreSealer {
  if (storeKey.length !== STORE_KEY_BYTES) {
    throw new MeshError(
      'STORE_CORRUPT',
      'the local-store key in the key store has the wrong size',
      {
        reason: 'key-size',
      },
    );
  }
  const derive = (label: string): Buffer =>
    Buffer.from(hkdfSync('sha256', storeKey, Buffer.from(storeId, 'utf8'), label, 32));
  const encryptionKey = derive('mesh/local-store/encrypt');
  const tagKey = derive('mesh/local-store/tag');
  const prefix = Buffer.from(`${STORE_FORMAT}\0${storeId}\0`, 'utf8');
  const associated = (place: Uint8Array): Buffer => Buffer.concat([prefix, place]);
  return {
    seal(place, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      cipher.setAAD(associated(place));
      return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    },
    open(place, sealed, what) {
      try {
        if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('too short');
        const decipher = createDecipheriv(
          'aes-256-gcm',
          encryptionKey,
          sealed.subarray(0, IV_BYTES),
        );
        decipher.setAAD(associated(place));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch (error) {
        throw new MeshError(
          'STORE_CORRUPT',
          `the local store's ${what} was altered or does not belong there`,
          { reason: 'record' },
          { cause: error },
        );
      }
    },
    tag(kind, name) {
      return createHmac('sha256', tagKey)
        .update(`${kind}\0${name}`, 'utf8')
        .digest()
        .subarray(0, 16);
    },
    wipe() {
      encryptionKey.fill(0);
      tagKey.fill(0);
    },
  };
}

/** The associated-data place of a row: its table and key parts, length-prefixed. */
export function place(table: string, ...parts: Array<Uint8Array | number | string>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of [table, ...parts]) {
    const bytes =
      typeof part === 'number'
        ? bigEndian64(part)
        : typeof part === 'string'
          ? Buffer.from(part, 'utf8')
          : Buffer.from(part);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

function bigEndian64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}
