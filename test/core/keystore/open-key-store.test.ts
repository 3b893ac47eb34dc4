import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDeviceHome, type DeviceHome } from '../../../electron/core/home/device-home';
import {
  keyStoreChoiceFromEnvironment,
  openKeyStore,
} from '../../../electron/core/keystore/open-key-store';
import type { KeychainBackend } from '../../../electron/core/keystore/keychain-key-store';
import { keychainInSession, keychainSkipReason } from './keychain-session';

let directory: string;
let home: DeviceHome;
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-open-keystore-'));
  home = await openDeviceHome(directory);
});
afterEach(async () => {
  await home.close();
  await fs.rm(directory, { recursive: true, force: true });
});

const unavailable: KeychainBackend = {
  getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  findCredentials: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
};

describe('keyStoreChoiceFromEnvironment', () => {
  it('reads MESH_KEYSTORE and MESH_PASSPHRASE, the flag winning', () => {
    expect(keyStoreChoiceFromEnvironment({})).toEqual({ kind: undefined, passphrase: undefined });
    expect(keyStoreChoiceFromEnvironment({ MESH_KEYSTORE: 'File', MESH_PASSPHRASE: 'p' })).toEqual({
      kind: 'file',
      passphrase: 'p',
    });
    expect(keyStoreChoiceFromEnvironment({ MESH_KEYSTORE: 'file' }, 'keychain').kind).toBe(
      'keychain',
    );
    expect(() => keyStoreChoiceFromEnvironment({ MESH_KEYSTORE: 'vault' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('openKeyStore', () => {
  it('never falls back to the file store: a passphrase alone does not choose it', async () => {
    const error = await openKeyStore(
      home,
      { passphrase: 'secret passphrase' },
      { keychainBackend: unavailable },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(home.keyStoreKind).toBeUndefined();
  });

  it('uses the file store when asked, records it, and keeps to it', async () => {
    const store = await openKeyStore(
      home,
      { kind: 'file', passphrase: 'secret passphrase' },
      { scryptLogN: 15 },
    );
    expect(store.kind).toBe('file');
    expect(store.homeId).toBe(home.homeId);
    await store.set('device-seed', new Uint8Array([4]));
    expect(home.keyStoreKind).toBe('file');

    // Later runs need no flag, but do need the passphrase.
    const again = await openKeyStore(home, { passphrase: 'secret passphrase' });
    expect(await again.get('device-seed')).toEqual(new Uint8Array([4]));
    await expect(openKeyStore(home, {})).rejects.toMatchObject({ code: 'PASSPHRASE_INVALID' });
    await expect(
      openKeyStore(home, { kind: 'keychain', passphrase: 'secret passphrase' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it.skipIf(!keychainInSession)(
    `defaults to the OS keychain and records it${keychainSkipReason}`,
    async () => {
      const store = await openKeyStore(home, {});
      expect(store.kind).toBe('keychain');
      expect(home.keyStoreKind).toBe('keychain');
      await expect(openKeyStore(home, { kind: 'file', passphrase: 'x' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    },
  );
});
