/**
 * Opening a device's state in one step (docs/architecture.md section 7, "Device state"): lock the
 * device home, open its KeyStore, open its local store. This is what the CLI and the desktop
 * program's main process call first; closing releases everything in the reverse order.
 */
import { openDeviceHome, type DeviceHome } from '../home/device-home';
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
 * process has it open; KEYCHAIN_UNAVAILABLE / PASSPHRASE_INVALID from the KeyStore;
 * STORE_CORRUPT from the local store. On failure nothing stays open.
 */
export async function openDeviceState(
  directory: string,
  choice: KeyStoreChoice,
  options: KeyStoreOptions = {},
): Promise<DeviceState> {
  const home = await openDeviceHome(directory);
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
}
