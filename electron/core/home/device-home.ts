/**
 * A device home (docs/architecture.md section 7, "Device state"): the directory that holds one
 * device's local state, its identity (a random home id that namespaces its secrets in the key
 * store) and its locks. Several processes may have one home open at once (docs/local-store.md
 * "Sharing a home"): opening it takes the home's lock only for the moment home.json is read or
 * created, and `exclusive` holds a lock around each piece of work that must not interleave with
 * another process's.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MeshError } from '../../../shared/errors';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-file';
import { readJsonFile } from './json-file';
import { withHomeLock, type HomeLockName } from './lock';

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

/** How to open a device home. */
export interface DeviceHomeOptions {
  /**
   * How long to wait for another process's exclusive work to end before HOME_LOCKED, in
   * milliseconds (default: lock.ts DEFAULT_LOCK_WAIT_MS).
   */
  readonly lockWaitMs?: number;
}

/** An open device home. */
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
  /**
   * Run `work` while no other process (and no other exclusive work of this one) runs exclusive
   * work on this home: `home` for setting up and for secrets, `sync` for syncing the catalogs.
   * Re-entrant within one call chain. HOME_LOCKED when another process holds the lock longer
   * than the wait allows. Lock order: `home` may be taken while holding `sync`, never the
   * reverse (docs/local-store.md "Sharing a home").
   */
  exclusive<T>(
    work: () => Promise<T>,
    lock?: HomeLockName,
    signal?: AbortSignal | undefined,
  ): Promise<T>;
  /** Forget the home. It must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Open (creating if needed) the device home at `directory`, holding its lock while home.json is
 * read or written. Throws MeshError('HOME_LOCKED') when another process keeps the lock too long,
 * STORE_CORRUPT when its home.json is not one of ours.
 */
export async function openDeviceHome(
  directory: string,
  options: DeviceHomeOptions = {},
): Promise<DeviceHome> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const exclusive = <T>(
    work: () => Promise<T>,
    lock: HomeLockName = 'home',
    signal?: AbortSignal | undefined,
  ): Promise<T> =>
    withHomeLock(directory, work, {
      lock,
      signal,
      ...(options.lockWaitMs !== undefined && { waitMs: options.lockWaitMs }),
    });
  const path = join(directory, HOME_FILE);
  const record = await exclusive(async () => {
    await removeStaleTemporaries(path);
    const found = await readHomeRecord(path);
    if (found !== undefined) return found;
    const created: HomeRecord = {
      format: HOME_FORMAT,
      version: 1,
      homeId: randomUUID(),
      created: new Date().toISOString(),
    };
    await writeFileAtomic(path, JSON.stringify(created, null, 2) + '\n');
    return created;
  });
  return openedHome(directory, path, record, exclusive);
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
  exclusive: DeviceHome['exclusive'],
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
      // Read, check and write under the lock: another process may have chosen in the meantime.
      await exclusive(async () => {
        record = (await readHomeRecord(path)) ?? record;
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
      });
    },
    file(name) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
        throw new MeshError('INVALID_ARGUMENT', `not a device home file name: ${name}`, {
          field: 'name',
        });
      }
      return join(directory, name);
    },
    exclusive(work, lock, signal) {
      ensureOpen();
      return exclusive(work, lock, signal);
    },
    async close() {
      closed = true;
    },
  };
}

/** A key store kind in words, for messages. */
export function describeKind(kind: KeyStoreKind): string {
  return kind === 'keychain' ? 'OS keychain' : 'passphrase-protected key file';
}
