// The desktop's device host (electron/app/device-host.ts) and its generic dispatcher on a real
// device home with its secrets in the REAL OS keychain and a real Mesh service on loopback (in
// this process, as the flow tests run it): onboarding on the one device held from "no profile"
// (account.create with a bare name on the service this device uses), the core's events
// forwarded with the contract's payloads (progress, connection state, a pending request from a
// second device, sync), each event's query, and the home released on close. A keychain that
// does not answer is reported, with the fix, and tried again - never replaced by a file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  meshEvents,
  type MeshEventMessage,
  type MeshEventName,
  type MeshEventPayload,
} from '../../shared/ipc/contract';
import type { MeshDispatcher } from '../../shared/ipc/dispatcher';
import { createDesktopApi, createDesktopDispatcher } from '../../electron/app/desktop-api';
import { openDeviceHost, type DeviceHost } from '../../electron/app/device-host';
import { superviseService, type ServiceSupervisor } from '../../electron/app/service-supervisor';
import { KEY_FILE } from '../../electron/core/keystore/file-key-store';
import type { KeychainBackend } from '../../electron/core/keystore/keychain-key-store';
import { MeshDevice } from '../../electron/core/mesh-device';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { startService, type TestService } from '../core/harness';
import { deviceCoreOf } from '../../electron/core/session/device-internals';

const identity = {
  name: 'Mesh Desktop',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  electron: null,
};

/** The main process's dispatcher over a host. */
function dispatcherOf(host: DeviceHost, service: ServiceSupervisor): MeshDispatcher {
  return createDesktopDispatcher(host, createDesktopApi({ identity, service }));
}

/** The value of a successful reply (fails the test otherwise). */
async function value(dispatch: MeshDispatcher, method: string, request?: unknown) {
  const reply = await dispatch(request === undefined ? { method } : { method, request });
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as Record<string, unknown>;
}

const folders: string[] = [];
function folder(label: string): string {
  const path = mkdtempSync(join(tmpdir(), `mesh-backend-${label}-`));
  folders.push(path);
  return path;
}
afterAll(() => folders.forEach((path) => rmSync(path, { recursive: true, force: true })));

/** Every event the backend pushes, and a way to wait for the next of a kind. */
function recordEvents(backend: DeviceHost) {
  const seen: MeshEventMessage[] = [];
  const waiting = new Set<(message: MeshEventMessage) => void>();
  backend.onEvent((message: MeshEventMessage) => {
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
  const keyStore = deviceCoreOf(device).context.keyStore;
  for (const name of await keyStore.list()) await keyStore.delete(name);
}

describe.runIf(keychainInSession)(`the desktop's device host${keychainSkipReason}`, () => {
  let service: TestService;
  let supervisor: ServiceSupervisor;
  let home: string;
  let host: DeviceHost;
  let dispatch: MeshDispatcher;
  let events: ReturnType<typeof recordEvents>;
  let address: string;

  beforeAll(async () => {
    service = await startService();
    home = folder('home');
    supervisor = superviseService({ kind: 'configured', url: `${service.url}/` });
    host = openDeviceHost({
      home,
      keyStore: { kind: 'keychain' },
      service: supervisor,
      pendingIntervalMs: 100,
    });
    dispatch = dispatcherOf(host, supervisor);
    events = recordEvents(host);
  });
  afterAll(async () => {
    const device = await host.device().catch(() => undefined);
    if (device !== undefined) await forgetSecrets(device);
    await host.close();
    await service.close();
  });

  it('before any account: unconnected, the service ready, a bare name completed with its host and port', async () => {
    expect(await value(dispatch, 'account.status')).toMatchObject({
      state: 'unconnected',
      profileUdf: null,
    });
    expect(await value(dispatch, 'service.status')).toMatchObject({
      state: 'ready',
      accountService: `127.0.0.1:${service.port}`,
    });
    address = `alice@127.0.0.1:${service.port}`;
    expect(await value(dispatch, 'account.validate', { name: 'alice' })).toEqual({
      valid: true,
      address,
      problem: null,
      invalidCharacters: null,
    });
    expect(await value(dispatch, 'account.validate', { name: 'al ice' })).toMatchObject({
      valid: false,
      problem: 'characters',
      invalidCharacters: ' ',
    });
    // The home chose the OS keychain; nothing was written to a key file.
    expect(JSON.parse(readFileSync(join(home, 'home.json'), 'utf8')).keyStore).toBe('keychain');
  });

  it('onboarding on the same device: account.create with a bare name, then this device as administrator', async () => {
    const connected = events.next('connectionState', (state) => state.state === 'connected');
    const created = await value(dispatch, 'account.create', {
      address: 'alice',
      deviceName: 'laptop',
    });
    expect(created).toMatchObject({ address, deviceName: 'laptop' });
    expect(await connected).toEqual({
      state: 'connected',
      account: address,
      deviceUdf: created.deviceUdf,
    });
    expect(await value(dispatch, 'account.status')).toMatchObject({
      state: 'connected',
      address,
      profileUdf: created.profileUdf,
      deviceUdf: created.deviceUdf,
      deviceName: 'laptop',
      role: 'administrator',
    });
    const progress = events.of('progress').filter((p) => p.operation === 'create-account');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ step: 'Done' });
    expect(progress[0]).toMatchObject({ done: 0, total: 4 });
  });

  it('pushes a device asking to join as pendingApproval, and connect.pending lists it', async () => {
    const other = await MeshDevice.open({ home: folder('other'), keyStore: { kind: 'keychain' } });
    try {
      const asked = events.next('pendingApproval');
      const request = await other.connect.request({ address, deviceName: 'phone' });
      const announced = await asked;
      expect(announced).toEqual({
        requestId: expect.any(String),
        deviceUdf: request.deviceUdf,
        deviceDescription: 'phone',
        witness: request.witness,
        pinVerified: false,
        expires: request.expires,
      });
      const pending = await value(dispatch, 'connect.pending');
      expect(pending.pending).toEqual([
        expect.objectContaining({
          id: announced.requestId,
          deviceUdf: request.deviceUdf,
          witness: request.witness,
          serviceWitnessAgrees: true,
        }),
      ]);
    } finally {
      await forgetSecrets(other);
      await other.close();
    }
  });

  it('pushes the sync state while the catalogs sync, and account.syncState answers the last one', async () => {
    const before = events.seen.length;
    const idle = events.next('syncState', (state) => state.state === 'idle');
    await value(dispatch, 'account.sync');
    const last = await idle;
    expect(last).toEqual({
      state: 'idle',
      lastSyncedAt: expect.any(String),
      code: null,
      pending: 0,
    });
    const states = events.seen.slice(before).filter((m) => m.event === 'syncState');
    expect(states.map((m) => (m.payload as { state: string }).state)).toEqual(['syncing', 'idle']);
    expect(events.of('progress').some((p) => p.operation === 'sync')).toBe(true);
    expect(await value(dispatch, 'account.syncState')).toEqual(last);
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
    expect(await deviceCoreOf(await host.device()).context.keyStore.list()).not.toHaveLength(0);
    await host.close();
    await expect(host.device()).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await dispatch({ method: 'account.status' })).toMatchObject({
      ok: false,
      error: { code: 'CANCELLED' },
    });
    const count = events.seen.length;
    const reopened = await MeshDevice.open({ home, keyStore: { kind: 'keychain' } });
    try {
      expect((await reopened.account.status()).state).toBe('connected');
      deviceCoreOf(reopened).context.events.emit('progress', {
        operation: 'test',
        step: 'after close',
      });
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

describe('the device host when the keychain does not answer', () => {
  it('reports KEYCHAIN_UNAVAILABLE with the fix through the core methods, never falls back, and recovers without a restart', async () => {
    const home = folder('no-keychain');
    const keychain = switchableKeychain();
    const service = superviseService({ kind: 'configured', url: 'http://127.0.0.1:9/' });
    const backend = openDeviceHost({
      home,
      keyStoreOptions: { keychainBackend: keychain.backend },
      service,
    });
    try {
      const dispatch = dispatcherOf(backend, service);
      expect(await dispatch({ method: 'app.info' })).toMatchObject({ ok: true });
      const reply = await dispatch({ method: 'account.status' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
      const message = reply.ok ? '' : reply.error.message;
      expect(message).toContain('did not answer');
      // A desktop user is never told to set an environment variable or pass a flag.
      expect(message).not.toMatch(/MESH_|--/);
      // No silent fallback: no key store was chosen for the home, no key file written.
      expect(JSON.parse(readFileSync(join(home, 'home.json'), 'utf8')).keyStore).toBeUndefined();
      expect(existsSync(join(home, KEY_FILE))).toBe(false);

      keychain.state.answering = true;
      expect(await dispatch({ method: 'account.status' })).toMatchObject({
        ok: true,
        value: { state: 'unconnected' },
      });
      expect(JSON.parse(readFileSync(join(home, 'home.json'), 'utf8')).keyStore).toBe('keychain');
    } finally {
      await backend.close();
    }
  });

  it('shares a home another device host has open (docs/local-store.md "Sharing a home")', async () => {
    const home = folder('shared');
    const keychain = switchableKeychain();
    keychain.state.answering = true;
    const service = superviseService({ kind: 'configured', url: 'http://127.0.0.1:9/' });
    const first = openDeviceHost({
      home,
      keyStoreOptions: { keychainBackend: keychain.backend },
      service,
    });
    const second = openDeviceHost({
      home,
      keyStoreOptions: { keychainBackend: keychain.backend },
      service,
    });
    try {
      expect(await value(dispatcherOf(first, service), 'account.status')).toMatchObject({
        state: 'unconnected',
      });
      // Once HOME_LOCKED; now both have the home open, and agree on its key store.
      expect(await value(dispatcherOf(second, service), 'account.status')).toMatchObject({
        state: 'unconnected',
      });
      expect(existsSync(join(home, 'home.lock'))).toBe(false);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
