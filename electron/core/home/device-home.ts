/**
 * A device home (docs/architecture.md section 7, "Device state"): the directory that holds one
 * device's local state, its identity (a random home id that namespaces its secrets in the key
 * store) and its lock. Opening a home takes the lock; closing releases it.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MeshError } from '../../../shared/errors';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-file';
import { readJsonFile } from './json-file';
import { acquireHomeLock, type HomeLock } from './lock';

/** The file naming the home: its id and which key store keeps its secrets. */
export const HOME_FILE = 'home.json';
const HOME_FORMAT = 'mesh-device-home';

/**
 * Where a home keeps its secrets (docs/architecture.md section 7): the OS keychain, or a
 * passphrase-encrypted file.
 */
export type KeyStoreKind = 'keychain' | 'file';

const homeRecordSchema = z.object({
  format: z.literal(HOME_FORMAT),
  version: z.literal(1),
  homeId: z.uuid(),
  created: z.string(),
  keyStore: z.enum(['keychain', 'file']).optional(),
});
type HomeRecord = z.infer<typeof homeRecordSchema>;

/** An open, locked device home. */
export interface DeviceHome {
  readonly directory: string;
  /** Random id of this home; namespaces its secrets so two homes on one machine never collide. */
  readonly homeId: string;
  /** The key store this home was set up with, once one was chosen. */
  readonly keyStoreKind: KeyStoreKind | undefined;
  /** Record the key store kind the first time one is chosen (it never changes afterwards). */
  setKeyStoreKind(kind: KeyStoreKind): Promise<void>;
  /** Path of a file inside the home. */
  file(name: string): string;
  /** Release the lock. The home must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Open (creating if needed) the device home at `directory` and take its lock. Throws
 * MeshError('HOME_LOCKED') when another live process has it open, STORE_CORRUPT when its
 * home.json is not one of ours.
 */
export async function openDeviceHome(directory: string): Promise<DeviceHome> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const lock = await acquireHomeLock(directory);
  try {
    const path = join(directory, HOME_FILE);
    await removeStaleTemporaries(path);
    let record = await readHomeRecord(path);
    if (record === undefined) {
      record = {
        format: HOME_FORMAT,
        version: 1,
        homeId: randomUUID(),
        created: new Date().toISOString(),
      };
      await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
    }
    return openedHome(directory, path, record, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function readHomeRecord(path: string): Promise<HomeRecord | undefined> {
  const result = await readJsonFile(path, homeRecordSchema);
  if (result === undefined) return undefined;
  if (!result.success) {
    throw new MeshError('STORE_CORRUPT', `${path} is not a Mesh device home file`, {
      file: HOME_FILE,
    });
  }
  return result.data;
}

function openedHome(
  directory: string,
  path: string,
  initial: HomeRecord,
  lock: HomeLock,
): DeviceHome {
  let record = initial;
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new MeshError('INVALID_ARGUMENT', 'the device home is closed');
  };
  return {
    directory,
    homeId: record.homeId,
    get keyStoreKind() {
      return record.keyStore;
    },
    async setKeyStoreKind(kind) {
      ensureOpen();
      if (record.keyStore === kind) return;
      if (record.keyStore !== undefined) {
        throw new MeshError(
          'INVALID_ARGUMENT',
          `this device home keeps its secrets in the ${describeKind(record.keyStore)}, not the ${describeKind(kind)}`,
          { field: 'keyStore' },
        );
      }
      const next = { ...record, keyStore: kind };
      await writeFileAtomic(path, JSON.stringify(next, null, 2) + '\n');
      record = next;
    },
    file(name) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
        throw new MeshError('INVALID_ARGUMENT', `not a device home file name: ${name}`, {
          field: 'name',
        });
      }
      return join(directory, name);
    },
    async close() {
      if (closed) return;
      closed = true;
      await lock.release();
    },
  };
}

/** A key store kind in words, for messages. */
export function describeKind(kind: KeyStoreKind): string {
  return kind === 'keychain' ? 'OS keychain' : 'passphrase-protected key file';
}
