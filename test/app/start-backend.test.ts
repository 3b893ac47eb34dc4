// What the main process starts (electron/app/start-backend.ts), end to end in plain Node: with no
// service configured, the embedded service - built as the app ships it and run as a child of this
// Node - with its data and its saved port in the app's data folder, and the device core on the
// same folder (a passphrase key file here, so no keychain is needed). An account created
// through the core lives at name@127.0.0.1:PORT and is still there after a restart on the saved
// port; a crash of the service becomes a status; quitting stops the child.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MeshEventMessage, ServiceStatus } from '../../shared/ipc/contract';
import {
  launchEmbeddedService,
  nodeProcessLauncher,
  type EmbeddedService,
} from '../../electron/app/embedded-service';
import {
  desktopHomeDirectory,
  startBackend,
  type BackendEnvironment,
  type StartedBackend,
} from '../../electron/app/start-backend';
import { buildServiceBundle, type ServiceBundle } from './service-bundle';

let bundle: ServiceBundle;
const folders: string[] = [];
const started: StartedBackend[] = [];

beforeAll(async () => {
  bundle = await buildServiceBundle();
});
afterAll(async () => {
  for (const backend of started) await backend.shutdown();
  bundle.remove();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'mesh-user-data-'));
  folders.push(path);
  return path;
}

const keyFile = {
  MESH_KEYSTORE: 'file',
  MESH_PASSPHRASE: 'start-backend test passphrase',
  PATH: process.env.PATH,
};

/** Start as main.ts does, with this Node as the service's program; launches are recorded. */
async function start(userData: string, env: BackendEnvironment['env'] = keyFile) {
  const launched: EmbeddedService[] = [];
  const warnings: string[] = [];
  const backend = await startBackend({
    appRoot: bundle.appRoot,
    userData,
    launcher: nodeProcessLauncher(),
    env,
    warn: (line) => warnings.push(line),
    launch: async (launch) => {
      const service = await launchEmbeddedService(launch);
      launched.push(service);
      return service;
    },
    core: { keyStoreOptions: { scryptLogN: 15 } },
  });
  started.push(backend);
  const events: MeshEventMessage[] = [];
  backend.host.onEvent((message) => events.push(message));
  return { ...backend, launched, warnings, events };
}

/** The next status the service reports that matches. */
function nextStatus(
  backend: StartedBackend,
  matches: (status: ServiceStatus) => boolean,
): Promise<ServiceStatus> {
  return new Promise((resolve) => {
    const stop = backend.service.onStatus((status) => {
      if (!matches(status)) return;
      stop();
      resolve(status);
    });
  });
}

describe('the desktop backend with the embedded service', () => {
  const userData = folder();
  let port: number;
  let address: string;
  let profileUdf: string;

  it('starts the service in the app data folder on a free port, saves the port, and names accounts with it', async () => {
    const first = await start(userData);
    const status = await first.service.settled();
    expect(first.launched).toHaveLength(1);
    port = first.launched[0]!.port;
    expect(status).toEqual({
      location: { kind: 'embedded' },
      state: 'ready',
      url: `http://127.0.0.1:${port}`,
      accountService: `127.0.0.1:${port}`,
      message: null,
    });
    expect(existsSync(join(userData, 'embedded-service'))).toBe(true);
    expect(JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8'))).toEqual({
      embeddedServicePort: port,
    });

    const device = await first.host.device();
    expect(await device.account.status()).toMatchObject({ state: 'unconnected' });
    // A bare name goes to the service this device uses.
    const created = await device.account.create({ address: 'alice', deviceName: 'desktop' });
    address = created.address;
    expect(address).toBe(`alice@127.0.0.1:${port}`);
    profileUdf = created.profileUdf;
    expect(await device.account.status()).toMatchObject({
      state: 'connected',
      address,
      profileUdf,
      deviceName: 'desktop',
      role: 'administrator',
    });

    const child = first.launched[0]!;
    await first.shutdown();
    expect(await child.exited).toMatchObject({ requested: true, code: 0 });
    // The renderer heard the service get ready; at quit the window is gone, nobody to tell.
    expect(first.events.filter((m) => m.event === 'serviceState').map((m) => m.payload)).toEqual([
      status,
    ]);
    expect(first.service.status().state).toBe('stopped');
    await expect(fetch(`http://127.0.0.1:${port}/.well-known/mmm/`)).rejects.toThrow();
  });

  it('starts again on the saved port with the same data: the account is still there', async () => {
    const again = await start(userData);
    expect((await again.service.settled()).url).toBe(`http://127.0.0.1:${port}`);
    expect(again.launched.map((service) => service.port)).toEqual([port]);
    const device = await again.host.device();
    expect(await device.account.status({ refresh: true })).toMatchObject({
      state: 'connected',
      online: true,
      address,
      profileUdf,
    });

    // A crash of the service is a status, not a dead program.
    const failed = nextStatus(again, (status) => status.state === 'failed');
    process.kill(again.launched[0]!.pid, 'SIGKILL');
    expect(await failed).toMatchObject({
      state: 'failed',
      message: expect.stringContaining('stopped unexpectedly (signal SIGKILL)'),
    });
    expect(again.events.some((m) => m.event === 'serviceState')).toBe(true);
    expect(await device.account.status()).toMatchObject({ state: 'connected' });
    await again.shutdown();
  });
});

describe('the desktop backend with a configured service', () => {
  it('starts no child when MESH_SERVICE_URL is set', async () => {
    const launch = vi.fn(launchEmbeddedService);
    const configured = await startBackend({
      appRoot: bundle.appRoot,
      userData: folder(),
      launcher: nodeProcessLauncher(),
      env: { ...keyFile, MESH_SERVICE_URL: 'https://mesh.example.org/' },
      warn: () => {},
      launch,
      core: { keyStoreOptions: { scryptLogN: 15 } },
    });
    started.push(configured);
    expect(configured.service.status()).toMatchObject({
      state: 'ready',
      url: 'https://mesh.example.org/',
    });
    const device = await configured.host.device();
    expect(await device.account.validate({ name: 'bob' })).toMatchObject({
      valid: true,
      address: 'bob@mesh.example.org',
    });
    await configured.shutdown();
    expect(launch).not.toHaveBeenCalled();
  });

  it('refuses a service setting or key store it cannot use before starting anything', async () => {
    const launch = vi.fn(launchEmbeddedService);
    const environment = (env: BackendEnvironment['env']): BackendEnvironment => ({
      appRoot: bundle.appRoot,
      userData: folder(),
      launcher: nodeProcessLauncher(),
      env,
      warn: () => {},
      launch,
    });
    await expect(
      startBackend(environment({ MESH_SERVICE_URL: 'http://mesh.example.org/' })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'MESH_SERVICE_URL' } });
    await expect(startBackend(environment({ MESH_KEYSTORE: 'floppy' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'keystore' },
    });
    expect(launch).not.toHaveBeenCalled();
  });

  it('keeps the device home in the app data folder unless MESH_HOME names one', () => {
    expect(desktopHomeDirectory({}, '/data/mesh-desktop')).toBe('/data/mesh-desktop');
    expect(desktopHomeDirectory({ MESH_HOME: ' ' }, '/data/mesh-desktop')).toBe(
      '/data/mesh-desktop',
    );
    expect(desktopHomeDirectory({ MESH_HOME: '/homes/laptop' }, '/data/mesh-desktop')).toBe(
      '/homes/laptop',
    );
  });
});
