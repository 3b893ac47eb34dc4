// The core-backed MeshBackend (electron/app/core-backend.ts) on a real device home with its
// secrets in the REAL OS keychain and a real Mesh service on loopback (in this process, as the
// flow tests run it): the session status before and after an account is created through the
// core, the core's events forwarded with the contract's payloads (progress, connection state, a
// pending request from a second device, sync), and the home released on close. A keychain that
// does not answer is reported, with the fix, and tried again - never replaced by a file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMeshError } from '../../shared/errors';
import {
  meshEvents,
  type MeshEventMessage,
  type MeshEventPayload,
} from '../../shared/ipc/contract';
import { createMeshDispatcher } from '../../shared/ipc/dispatcher';
import type { MeshEventName } from '../../shared/ipc/names';
import { createCoreBackend, type CoreBackend } from '../../electron/app/core-backend';
import { createMeshHandlers } from '../../electron/app/handlers';
import { superviseService } from '../../electron/app/service-supervisor';
import { MeshApplications } from '../../electron/core/applications/mesh-applications';
import { KEY_FILE } from '../../electron/core/keystore/file-key-store';
import type { KeychainBackend } from '../../electron/core/keystore/keychain-key-store';
import { MeshDevice } from '../../electron/core/mesh-device';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { startService, type TestService } from '../flows/harness';

const folders: string[] = [];
function folder(label: string): string {
  const path = mkdtempSync(join(tmpdir(), `mesh-backend-${label}-`));
  folders.push(path);
  return path;
}
afterAll(() => folders.forEach((path) => rmSync(path, { recursive: true, force: true })));

/** Every event the backend pushes, and a way to wait for the next of a kind. */
function recordEvents(backend: CoreBackend) {
  const seen: MeshEventMessage[] = [];
  const waiting = new Set<(message: MeshEventMessage) => void>();
  backend.onEvent((message) => {
    seen.push(message);
    for (const wake of [...waiting]) wake(message);
  });
  return {
    seen,
    of: <E extends MeshEventName>(event: E) =>
      seen.filter((m) => m.event === event).map((m) => m.payload as MeshEventPayload<E>),
    next: <E extends MeshEventName>(
      event: E,
      matches: (payload: MeshEventPayload<E>) => boolean = () => true,
    ) =>
      new Promise<MeshEventPayload<E>>((resolve) => {
        const wake = (message: MeshEventMessage) => {
          if (message.event !== event || !matches(message.payload as MeshEventPayload<E>)) return;
          waiting.delete(wake);
          resolve(message.payload as MeshEventPayload<E>);
        };
        waiting.add(wake);
      }),
  };
}

/** Delete what a home put in the keychain (its entries are namespaced by its home id). */
async function forgetSecrets(device: MeshDevice): Promise<void> {
  const keyStore = device.context.keyStore;
  for (const name of await keyStore.list()) await keyStore.delete(name);
}

describe.runIf(keychainInSession)(`the core-backed backend${keychainSkipReason}`, () => {
  let service: TestService;
  let home: string;
  let backend: CoreBackend;
  let events: ReturnType<typeof recordEvents>;
  let address: string;

  beforeAll(async () => {
    service = await startService();
    home = folder('home');
    backend = createCoreBackend({
      home,
      keyStore: { kind: 'keychain' },
      service: superviseService({ kind: 'configured', url: `${service.url}/` }),
      pendingIntervalMs: 100,
    });
    events = recordEvents(backend);
  });
  afterAll(async () => {
    const device = await backend.device().catch(() => undefined);
    if (device !== undefined) await forgetSecrets(device);
    await backend.close();
    await service.close();
  });

  it('before any account: no profile, the service ready, accounts named by its host and port', async () => {
    expect(await backend.sessionStatus()).toEqual({ profile: 'none' });
    expect(await backend.serviceStatus()).toMatchObject({
      state: 'ready',
      accountService: `127.0.0.1:${service.port}`,
    });
    address = await backend.accountAddress('alice');
    expect(address).toBe(`alice@127.0.0.1:${service.port}`);
    // The home chose the OS keychain; nothing was written to a key file.
    expect(JSON.parse(readFileSync(join(home, 'home.json'), 'utf8')).keyStore).toBe('keychain');
  });

  it('after an account is created through the core: the profile, the account, this device as administrator', async () => {
    const device = await backend.device();
    const connected = events.next('connectionState', (state) => state.state === 'connected');
    const created = await device.createAccount({ address, deviceName: 'laptop' });
    expect(await connected).toEqual({
      state: 'connected',
      account: address,
      deviceUdf: created.deviceUdf,
    });
    expect(await backend.sessionStatus()).toEqual({
      profile: 'present',
      account: address,
      masterProfileUdf: created.profileUdf,
      deviceUdf: created.deviceUdf,
      deviceName: 'laptop',
      administrator: true,
    });
    const progress = events.of('progress').filter((p) => p.operation === 'create-account');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ step: 'Done' });
    expect(progress[0]).toMatchObject({ done: 0, total: 4 });
  });

  it('pushes a device asking to join as pendingApproval, with the witness both devices show', async () => {
    const other = await MeshDevice.open({ home: folder('other'), keyStore: { kind: 'keychain' } });
    try {
      const asked = events.next('pendingApproval');
      const request = await other.requestConnection({ address, deviceName: 'phone' });
      expect(await asked).toEqual({
        requestId: expect.any(String),
        deviceUdf: request.deviceUdf,
        deviceDescription: 'phone',
        witness: request.witness,
        pinVerified: false,
        expires: request.expires,
      });
    } finally {
      await forgetSecrets(other);
      await other.close();
    }
  });

  it('pushes the sync state while the catalogs sync, with the time of the last sync', async () => {
    const device = await backend.device();
    const before = events.seen.length;
    const idle = events.next('syncState', (state) => state.state === 'idle');
    await MeshApplications.of(device.context).sync();
    expect(await idle).toEqual({ state: 'idle', lastSyncedAt: expect.any(String) });
    const states = events.seen.slice(before).filter((m) => m.event === 'syncState');
    expect(states.map((m) => (m.payload as { state: string }).state)).toEqual(['syncing', 'idle']);
    expect(events.of('progress').some((p) => p.operation === 'sync')).toBe(true);
  });

  it('pushes only payloads the IPC contract accepts', () => {
    expect(events.seen.length).toBeGreaterThan(0);
    for (const message of events.seen) {
      expect(meshEvents[message.event].safeParse(message.payload).success, message.event).toBe(
        true,
      );
    }
  });

  it('on close stops watching, forwards nothing more and releases the home', async () => {
    expect(await (await backend.device()).context.keyStore.list()).not.toHaveLength(0);
    await backend.close();
    await expect(backend.device()).rejects.toMatchObject({ code: 'CANCELLED' });
    const count = events.seen.length;
    const reopened = await MeshDevice.open({ home, keyStore: { kind: 'keychain' } });
    try {
      expect((await reopened.status()).state).toBe('connected');
      reopened.context.events.emit('progress', { operation: 'test', step: 'after close' });
      expect(events.seen).toHaveLength(count);
    } finally {
      await forgetSecrets(reopened);
      await reopened.close();
    }
  });
});

/** An OS keychain in memory that can be made to stop answering (the error paths). */
function switchableKeychain() {
  const items = new Map<string, string>();
  const state = { answering: false };
  const check = () => {
    if (!state.answering) throw new Error('org.freedesktop.DBus.Error.ServiceUnknown');
  };
  const backend: KeychainBackend = {
    getPassword: async (service, account) => (check(), items.get(`${service}|${account}`) ?? null),
    setPassword: async (service, account, password) => {
      check();
      items.set(`${service}|${account}`, password);
    },
    deletePassword: async (service, account) => (check(), items.delete(`${service}|${account}`)),
    findCredentials: async (service) => {
      check();
      return [...items]
        .filter(([key]) => key.startsWith(`${service}|`))
        .map(([key, password]) => ({ account: key.slice(service.length + 1), password }));
    },
  };
  return { backend, state };
}

describe('the core-backed backend when the keychain does not answer', () => {
  it('reports KEYCHAIN_UNAVAILABLE with the fix through session.status, never falls back, and recovers without a restart', async () => {
    const home = folder('no-keychain');
    const keychain = switchableKeychain();
    const backend = createCoreBackend({
      home,
      keyStoreOptions: { keychainBackend: keychain.backend },
      service: superviseService({ kind: 'configured', url: 'http://127.0.0.1:9/' }),
    });
    try {
      const dispatch = createMeshDispatcher(
        createMeshHandlers(backend, {
          name: 'Mesh Desktop',
          version: '0.1.0',
          platform: 'linux',
          arch: 'x64',
          electron: null,
        }),
      );
      const reply = await dispatch({ method: 'session.status', args: [] });
      expect(reply).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
      const message = reply.ok ? '' : reply.error.message;
      expect(message).toContain('did not answer');
      expect(message).toContain('MESH_KEYSTORE=file');
      // No silent fallback: no key store was chosen for the home, no key file written.
      expect(JSON.parse(readFileSync(join(home, 'home.json'), 'utf8')).keyStore).toBeUndefined();
      expect(existsSync(join(home, KEY_FILE))).toBe(false);

      keychain.state.answering = true;
      expect(await dispatch({ method: 'session.status', args: [] })).toEqual({
        ok: true,
        value: { profile: 'none' },
      });
      expect(JSON.parse(readFileSync(join(home, 'home.json'), 'utf8')).keyStore).toBe('keychain');
    } finally {
      await backend.close();
    }
  });

  it('reports a home another process holds as HOME_LOCKED', async () => {
    const home = folder('locked');
    const keychain = switchableKeychain();
    keychain.state.answering = true;
    const service = superviseService({ kind: 'configured', url: 'http://127.0.0.1:9/' });
    const first = createCoreBackend({
      home,
      keyStoreOptions: { keychainBackend: keychain.backend },
      service,
    });
    const second = createCoreBackend({
      home,
      keyStoreOptions: { keychainBackend: keychain.backend },
      service,
    });
    try {
      expect(await first.sessionStatus()).toEqual({ profile: 'none' });
      const failure = await second.sessionStatus().catch((error: unknown) => error);
      expect(isMeshError(failure, 'HOME_LOCKED')).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
