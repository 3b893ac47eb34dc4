/**
 * The passphrase-protected file KeyStore (docs/architecture.md section 7) for machines without an
 * OS keychain, chosen explicitly, never as a fallback. The file holds every secret of one home as
 * one AES-256-GCM ciphertext under a key derived from the passphrase with scrypt (RFC 7914); the
 * header (format, home id, scrypt parameters and salt) is the associated data, so it cannot be
 * altered or the file moved to another home without the open failing. Each change rewrites the
 * (small) file atomically with a fresh IV.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';
import { MeshError } from '../../../shared/errors';
import { writeFileAtomic } from '../home/atomic-file';
import { readJsonFile } from '../home/json-file';
import { checkSecret, checkSecretName, type KeyStore } from './key-store';

/** File name of the key file inside a device home. */
export const KEY_FILE = 'keystore.mesh';
const FORMAT = 'mesh-key-file';
/** scrypt cost as log2(N): 2^17 with r = 8 uses 128 MiB and about a quarter second. */
export const DEFAULT_SCRYPT_LOG_N = 17;
const MIN_SCRYPT_LOG_N = 15;
const MAX_SCRYPT_LOG_N = 20;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const headerSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  homeId: z.string().min(1),
  kdf: z.object({
    name: z.literal('scrypt'),
    logN: z.number().int().min(MIN_SCRYPT_LOG_N).max(MAX_SCRYPT_LOG_N),
    r: z.literal(SCRYPT_R),
    p: z.literal(SCRYPT_P),
    salt: base64,
  }),
});
const fileSchema = headerSchema.extend({ iv: base64, ciphertext: base64 });
const contentsSchema = z.object({ secrets: z.record(z.string(), base64) });
type Header = z.infer<typeof headerSchema>;

/** Options of the file key store. */
export interface FileKeyStoreOptions {
  /** The key file (normally `<home>/keystore.mesh`). */
  readonly path: string;
  readonly homeId: string;
  readonly passphrase: string;
  /** scrypt log2(N) for a new file, 15 to 20 (default 17). An existing file keeps its own. */
  readonly scryptLogN?: number;
  /**
   * Runs each read-modify-write of the file with no other process's in between (the home's lock,
   * DeviceHome.exclusive; docs/local-store.md "Sharing a home"). Default: as it comes.
   */
  readonly exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * Open the key file at `path`, creating it when missing. Throws PASSPHRASE_INVALID when the
 * passphrase is empty or does not open the file, STORE_CORRUPT when the file is not a key file
 * of this home.
 */
export async function openFileKeyStore(options: FileKeyStoreOptions): Promise<KeyStore> {
  if (options.passphrase.length === 0) {
    throw new MeshError(
      'PASSPHRASE_INVALID',
      'the key file needs a passphrase, and none was given',
      { reason: 'missing' },
    );
  }
  const existing = await readKeyFile(options.path);
  let header: Header;
  let key: Buffer;
  if (existing === undefined) {
    const logN = options.scryptLogN ?? DEFAULT_SCRYPT_LOG_N;
    if (!Number.isInteger(logN) || logN < MIN_SCRYPT_LOG_N || logN > MAX_SCRYPT_LOG_N) {
      throw new MeshError('INVALID_ARGUMENT', 'scrypt cost must be 2^15 to 2^20', {
        field: 'scryptLogN',
      });
    }
    header = {
      format: FORMAT,
      version: 1,
      homeId: options.homeId,
      kdf: {
        name: 'scrypt',
        logN,
        r: SCRYPT_R,
        p: SCRYPT_P,
        salt: randomBytes(16).toString('base64'),
      },
    };
    key = await deriveKey(options.passphrase, header);
    await writeContents(options.path, header, key, {});
  } else {
    header = existing.header;
    if (header.homeId !== options.homeId) {
      throw new MeshError(
        'STORE_CORRUPT',
        `${options.path} is the key file of another device home`,
        {
          file: KEY_FILE,
        },
      );
    }
    key = await deriveKey(options.passphrase, header);
    decryptContents(existing, key); // the passphrase check: fail at open, not at first use
  }
  return fileKeyStore(options.path, header, key, options.exclusive ?? ((work) => work()));
}

function fileKeyStore(
  path: string,
  header: Header,
  key: Buffer,
  exclusive: <T>(work: () => Promise<T>) => Promise<T>,
): KeyStore {
  // Writes are serialized so two concurrent set() calls cannot lose one another's secret: across
  // processes by the home's lock, within this one by a queue (inside the lock, so work already
  // holding the lock never waits behind work waiting for it).
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(operation: () => Promise<T>): Promise<T> =>
    exclusive(() => {
      const next = queue.then(operation, operation);
      queue = next.catch(() => undefined);
      return next;
    });
  const load = async (): Promise<Record<string, string>> => {
    const file = await readKeyFile(path);
    if (file === undefined) {
      throw new MeshError('STORE_CORRUPT', `the key file ${path} has disappeared`, {
        file: KEY_FILE,
      });
    }
    return decryptContents(file, key);
  };
  return {
    kind: 'file',
    homeId: header.homeId,
    async get(name) {
      checkSecretName(name);
      const value = (await load())[name];
      return value === undefined ? undefined : new Uint8Array(Buffer.from(value, 'base64'));
    },
    async set(name, secret) {
      checkSecretName(name);
      checkSecret(secret);
      return serialized(async () => {
        const secrets = await load();
        secrets[name] = Buffer.from(secret).toString('base64');
        await writeContents(path, header, key, secrets);
      });
    },
    async delete(name) {
      checkSecretName(name);
      return serialized(async () => {
        const secrets = await load();
        if (!(name in secrets)) return false;
        delete secrets[name];
        await writeContents(path, header, key, secrets);
        return true;
      });
    },
    async list() {
      return Object.keys(await load()).sort();
    },
  };
}

interface KeyFile {
  readonly header: Header;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
}

async function readKeyFile(path: string): Promise<KeyFile | undefined> {
  const result = await readJsonFile(path, fileSchema);
  if (result === undefined) return undefined;
  if (!result.success) {
    throw new MeshError('STORE_CORRUPT', `${path} is not a Mesh key file`, { file: KEY_FILE });
  }
  const { iv, ciphertext, ...header } = result.data;
  return { header, iv: Buffer.from(iv, 'base64'), ciphertext: Buffer.from(ciphertext, 'base64') };
}

function associatedData(header: Header): Buffer {
  // Field order is fixed here, not taken from the file, so the bytes are canonical.
  const { format, version, homeId, kdf } = header;
  return Buffer.from(
    JSON.stringify({
      format,
      version,
      homeId,
      kdf: { name: kdf.name, logN: kdf.logN, r: kdf.r, p: kdf.p, salt: kdf.salt },
    }),
    'utf8',
  );
}

function decryptContents(file: KeyFile, key: Buffer): Record<string, string> {
  let plaintext: Buffer;
  try {
    if (file.iv.length !== IV_BYTES || file.ciphertext.length < TAG_BYTES) throw new Error('size');
    const decipher = createDecipheriv('aes-256-gcm', key, file.iv);
    decipher.setAAD(associatedData(file.header));
    decipher.setAuthTag(file.ciphertext.subarray(file.ciphertext.length - TAG_BYTES));
    plaintext = Buffer.concat([
      decipher.update(file.ciphertext.subarray(0, file.ciphertext.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch (error) {
    // GCM cannot tell a wrong key from altered bytes: the message says both.
    throw new MeshError(
      'PASSPHRASE_INVALID',
      'the passphrase does not open the key file (wrong passphrase, or the file was altered)',
      { reason: 'wrong' },
      { cause: error },
    );
  }
  try {
    const result = contentsSchema.safeParse(JSON.parse(plaintext.toString('utf8')));
    if (result.success) return { ...result.data.secrets };
  } catch {
    // fall through
  } finally {
    plaintext.fill(0);
  }
  throw new MeshError('STORE_CORRUPT', 'the key file decrypts to something unexpected', {
    file: KEY_FILE,
  });
}

async function writeContents(
  path: string,
  header: Header,
  key: Buffer,
  secrets: Record<string, string>,
): Promise<void> {
  const plaintext = Buffer.from(JSON.stringify({ secrets }), 'utf8');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  const file = {
    ...header,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  await writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n');
}

function deriveKey(passphrase: string, header: Header): Promise<Buffer> {
  const { logN, r, p, salt } = header.kdf;
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(passphrase.normalize('NFC'), 'utf8'),
      Buffer.from(salt, 'base64'),
      KEY_BYTES,
      { N, r, p, maxmem: 256 * N * r }, // 128 * N * r plus headroom
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}
