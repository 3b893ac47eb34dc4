/**
 * Opening a device's state in one step (docs/architecture.md section 7, "Device state"): open the
 * device home, its KeyStore and its local store, all under the home's lock so that two processes
 * opening a fresh home at once agree on its key store and on the local store's key
 * (docs/local-store.md "Sharing a home"). The lock is released once they are open: other processes
 * may open the home beside this one. This is what the CLI and the desktop program's main process
 * call first; closing closes everything in the reverse order.
 */
import { promises as fs } from 'node:fs';
import { openDeviceHome, type DeviceHome, type DeviceHomeOptions } from '../home/device-home';
import { withHomeLock } from '../home/lock';
import type { KeyStore } from '../keystore/key-store';
import {
  openKeyStore,
  type KeyStoreChoice,
  type KeyStoreOptions,
} from '../keystore/open-key-store';
import { LOCAL_STORE_FILE, LocalStore } from './local-store';

/** An open device home with its secrets and local store. */
export interface DeviceState {
  readonly home: DeviceHome;
  readonly keyStore: KeyStore;
  readonly store: LocalStore;
  close(): Promise<void>;
}

/**
 * Open the device state in `directory` (see resolveHomeDirectory). HOME_LOCKED when another
 * process keeps the home's lock longer than `options.lockWaitMs`; KEYCHAIN_UNAVAILABLE /
 * PASSPHRASE_INVALID from the KeyStore; STORE_CORRUPT from the local store. On failure nothing
 * stays open.
 */
export async function openDeviceState(
  directory: string,
  choice: KeyStoreChoice,
  options: KeyStoreOptions & DeviceHomeOptions = {},
): Promise<DeviceState> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const lockOptions = options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs };
  return withHomeLock(
    directory,
    async () => {
      const home = await openDeviceHome(directory, options);
      try {
        const keyStore = await openKeyStore(home, choice, options);
        const store = await LocalStore.open({ path: home.file(LOCAL_STORE_FILE), keyStore });
        let closed = false;
        return {
          home,
          keyStore,
          store,
          async close() {
            if (closed) return;
            closed = true;
            store.close();
            await home.close();
          },
        };
      } catch (error) {
        await home.close();
        throw error;
      }
    },
    lockOptions,
  );
}
