// One conformance suite run against both KeyStores (docs/architecture.md section 11, "one suite,
// every backend"), then what is particular to each. The keychain is the real one (gnome-keyring in
// the test session).
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openFileKeyStore } from '../../../electron/core/keystore/file-key-store';
import type { KeyStore } from '../../../electron/core/keystore/key-store';
import {
  KEYCHAIN_SERVICE,
  loadKeytar,
  openKeychainKeyStore,
} from '../../../electron/core/keystore/keychain-key-store';
import { keychainInSession, keychainSkipReason } from './keychain-session';

let directory: string;
beforeAll(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-keystore-'));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

interface Backend {
  readonly name: string;
  readonly available: boolean;
  open(homeId: string): Promise<KeyStore>;
}

const opened: KeyStore[] = [];
const backends: Backend[] = [
  {
    name: 'keychain' + keychainSkipReason,
    available: keychainInSession,
    open: (homeId) => openKeychainKeyStore({ homeId }),
  },
  {
    name: 'file',
    available: true,
    open: (homeId) =>
      openFileKeyStore({
        path: join(directory, `${homeId}.mesh`),
        homeId,
        passphrase: 'correct horse battery staple',
        scryptLogN: 15,
      }),
  },
];

async function open(backend: Backend, homeId = randomUUID()): Promise<KeyStore> {
  const store = await backend.open(homeId);
  opened.push(store);
  return store;
}

afterEach(async () => {
  // Leave nothing behind in the shared keychain.
  for (const store of opened.splice(0)) {
    for (const name of await store.list()) await store.delete(name);
  }
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`KeyStore conformance: ${backend.name}`, () => {
    it('stores, replaces and returns binary secrets by name', async () => {
      const store = await open(backend);
      const secret = new Uint8Array([0, 1, 2, 255, 0, 128, 10, 13]);
      expect(await store.get('device-seed')).toBeUndefined();
      await store.set('device-seed', secret);
      expect(await store.get('device-seed')).toEqual(secret);
      const replacement = crypto.getRandomValues(new Uint8Array(32));
      await store.set('device-seed', replacement);
      expect(await store.get('device-seed')).toEqual(replacement);
    });

    it('lists its names sorted and deletes them', async () => {
      const store = await open(backend);
      await store.set('master-seed', new Uint8Array([1]));
      await store.set('device-seed', new Uint8Array([2]));
      await store.set('local-store-key', new Uint8Array([3]));
      expect(await store.list()).toEqual(['device-seed', 'local-store-key', 'master-seed']);
      expect(await store.delete('master-seed')).toBe(true);
      expect(await store.delete('master-seed')).toBe(false);
      expect(await store.get('master-seed')).toBeUndefined();
      expect(await store.list()).toEqual(['device-seed', 'local-store-key']);
    });

    it('keeps two homes apart', async () => {
      const a = await open(backend);
      const b = await open(backend);
      await a.set('device-seed', new Uint8Array([0xa]));
      await b.set('device-seed', new Uint8Array([0xb]));
      expect(await a.get('device-seed')).toEqual(new Uint8Array([0xa]));
      expect(await b.get('device-seed')).toEqual(new Uint8Array([0xb]));
      await a.delete('device-seed');
      expect(await b.get('device-seed')).toEqual(new Uint8Array([0xb]));
      expect(await a.list()).toEqual([]);
    });

    it('survives reopening', async () => {
      const homeId = randomUUID();
      const store = await open(backend, homeId);
      await store.set('local-store-key', new Uint8Array([7, 7, 7]));
      const again = await open(backend, homeId);
      expect(await again.get('local-store-key')).toEqual(new Uint8Array([7, 7, 7]));
    });

    it('refuses bad names and empty secrets', async () => {
      const store = await open(backend);
      await expect(store.get('../x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(store.set('Upper', new Uint8Array([1]))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await expect(store.set('a/b', new Uint8Array([1]))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await expect(store.set('empty', new Uint8Array(0))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    });

    it('keeps concurrent writes', async () => {
      const store = await open(backend);
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.set(`secret-${i}`, new Uint8Array([i + 1]))),
      );
      expect(await store.list()).toHaveLength(8);
      expect(await store.get('secret-5')).toEqual(new Uint8Array([6]));
    });
  });
}

describe.skipIf(!keychainInSession)(`keychain KeyStore${keychainSkipReason}`, () => {
  it('names items service "mesh-desktop", account "<home-id>/<secret-name>"', async () => {
    const homeId = randomUUID();
    const store = await open(backends[0]!, homeId);
    await store.set('device-seed', new Uint8Array([1, 2, 3]));
    const keytar = await loadKeytar();
    const raw = await keytar.getPassword(KEYCHAIN_SERVICE, `${homeId}/device-seed`);
    expect(raw).toBe(Buffer.from([1, 2, 3]).toString('base64'));
  });

  it('reports an item it did not write as STORE_CORRUPT', async () => {
    const homeId = randomUUID();
    const store = await open(backends[0]!, homeId);
    const keytar = await loadKeytar();
    await keytar.setPassword(KEYCHAIN_SERVICE, `${homeId}/device-seed`, 'not base64!');
    await expect(store.get('device-seed')).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });
});

describe('keychain KeyStore without a keychain service', () => {
  it('says no keychain is running and how to fix it', async () => {
    const { spawnSync } = await import('node:child_process');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    };
    delete env.DISPLAY;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'open-keychain.ts')],
      { env, encoding: 'utf8', timeout: 20_000 },
    );
    const result = JSON.parse(child.stdout) as { code: string; message: string };
    if (process.platform !== 'linux') return; // other keychains do not depend on D-Bus
    expect(result.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(result.message).toContain('did not answer');
    // The core names no CLI flag or variable: the CLI adds its remedy (test/cli/error-words).
    expect(result.message).not.toContain('MESH_');
  });

  it('lists again when an item vanishes while it is read (another home deleting its secrets)', async () => {
    let reads = 0;
    const unused = async (): Promise<never> => {
      throw new Error('not used by list');
    };
    const store = await openKeychainKeyStore({
      homeId: 'h',
      backend: {
        getPassword: async () => null,
        setPassword: unused,
        deletePassword: unused,
        findCredentials: async () => {
          reads++;
          if (reads === 1) {
            throw new Error(
              'No such secret item at path: /org/freedesktop/secrets/collection/login/7',
            );
          }
          return [{ account: 'h/device-seed', password: 'AAAA' }];
        },
      },
    });
    expect(await store.list()).toEqual(['device-seed']);
    expect(reads).toBe(2); // one vanished item, then one good read
  });

  it("opens by reading one absent item of its own home, never every home's secrets", async () => {
    const asked: string[] = [];
    const refuse = async (): Promise<never> => {
      throw new Error('not used on open');
    };
    await openKeychainKeyStore({
      homeId: 'h',
      backend: {
        getPassword: async (_service, account) => (asked.push(account), null),
        setPassword: refuse,
        deletePassword: refuse,
        findCredentials: refuse,
      },
    });
    expect(asked).toEqual(['h/keychain-probe']);
  });

  it('maps any keychain failure to KEYCHAIN_UNAVAILABLE', async () => {
    const failing = async (): Promise<never> => {
      throw new Error('Cannot create an item in a locked collection');
    };
    const error = await openKeychainKeyStore({
      homeId: 'x',
      backend: {
        getPassword: failing,
        setPassword: failing,
        deletePassword: failing,
        findCredentials: failing,
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect((error as Error).message).toContain('locked collection');
  });
});
