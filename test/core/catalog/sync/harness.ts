/**
 * Test harness for the catalogs and sync (issues 4 and 5): a real Mesh service on 127.0.0.1 in
 * this process (SQLite in a temporary directory) behind a TCP relay that counts every byte each
 * way (HTTP headers included) and can be cut to play "offline" (test/support/counting-relay.ts); device homes in temporary
 * directories with their secrets in the real OS keychain (wiped at the end); and the accounts
 * the tests need - one administrator, plus devices it connected by witness.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { MeshApplications } from '../../../../electron/core/mesh-applications';
import { MeshDevice } from '../../../../electron/core/mesh-device';
import type { ServiceOptions } from '../../../../service/config';
import { buildService, type MeshService } from '../../../../service/service';
import { startCountingRelay, type ByteCount } from '../../../support/counting-relay';
import { wipeHome } from '../../../support/service-suite';
import { deviceCoreOf } from '../../../../electron/core/session/device-internals';

/** A service on loopback behind a counting relay. */
export interface TestService {
  readonly service: MeshService;
  /** The service's data directory (its SQLite files). */
  readonly directory: string;
  /** `name@127.0.0.1:PORT` of the relay. */
  address(name: string): string;
  /** Bytes through the relay since the last reset (client's view: sent = requests). */
  readonly bytes: ByteCount;
  resetBytes(): void;
  /** Refuse (true) or accept (false) new connections and drop open ones: offline. */
  setOffline(offline: boolean): void;
  /** Stop the service and start it again on the same data and relay with other `limits`. */
  restart(limits: ServiceOptions['limits']): Promise<void>;
  close(): Promise<void>;
}

/** Start a service with its data in a temporary directory, behind a counting relay. */
export async function startService(
  options: Omit<ServiceOptions, 'storage'> = {},
): Promise<TestService> {
  const directory = await mkdtemp(join(tmpdir(), 'mesh-sync-service-'));
  const build = async (limits: ServiceOptions['limits']): Promise<MeshService> =>
    buildService({
      ...options,
      storage: { kind: 'sqlite', directory },
      limits: { requestsPerSecond: 0, ...limits },
    });
  let service = await build(options.limits);
  let listening = await service.listen({ port: 0, host: '127.0.0.1' });
  const relay = await startCountingRelay(() => listening.port);
  return {
    get service() {
      return service;
    },
    directory,
    address: (name) => `${name}@127.0.0.1:${relay.port}`,
    bytes: relay.bytes,
    resetBytes: () => relay.resetBytes(),
    setOffline: (offline) => relay.setOffline(offline),
    async restart(limits) {
      relay.dropConnections();
      await service.close();
      service = await build(limits);
      listening = await service.listen({ port: 0, host: '127.0.0.1' });
    },
    async close() {
      await relay.close();
      await service.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** An open device home with its applications. */
export interface TestDevice {
  readonly device: MeshDevice;
  readonly apps: MeshApplications;
  readonly directory: string;
}

/** Device homes opened by a test; cleanup() closes them and wipes their keychain entries. */
export class TestHomes {
  readonly #open = new Set<MeshDevice>();
  readonly #directories: string[] = [];

  /** Open a fresh home (or reopen `directory`), with its own clock when given. */
  async open(label: string, directory?: string, now?: () => number): Promise<TestDevice> {
    const home = directory ?? (await mkdtemp(join(tmpdir(), `mesh-sync-${label}-`)));
    if (directory === undefined) this.#directories.push(home);
    const device = await MeshDevice.open({
      home,
      keyStore: { kind: 'keychain' },
      client: { retry: { maxAttempts: 1 }, timeoutMs: 10_000 },
      ...(now === undefined ? {} : { now }),
    });
    this.#open.add(device);
    return { device, apps: deviceCoreOf(device).applications, directory: home };
  }

  /** Close a home, keeping its secrets (to reopen it later). */
  async close(home: TestDevice): Promise<void> {
    this.#open.delete(home.device);
    await home.apps.close();
    await home.device.close();
  }

  /** Close every home, delete its keychain entries and its directory. */
  async cleanup(): Promise<void> {
    for (const device of this.#open) {
      await deviceCoreOf(device).applications.close();
      await device.close();
    }
    this.#open.clear();
    for (const directory of this.#directories) await wipeHome(directory);
    this.#directories.length = 0;
  }
}

/** Create `name` on a new administrator home. */
export async function createAdministrator(
  homes: TestHomes,
  service: TestService,
  name: string,
): Promise<TestDevice> {
  const admin = await homes.open('admin');
  await admin.device.account.create({ address: service.address(name), deviceName: 'desktop' });
  return admin;
}

/** Connect a new home (with its own clock, when given) to the administrator's account. */
export async function connectDevice(
  homes: TestHomes,
  admin: TestDevice,
  label: string,
  now?: () => number,
): Promise<TestDevice> {
  const address = deviceCoreOf(admin.device).context.requireAccount().address;
  const joining = await homes.open(label, undefined, now);
  const request = await joining.device.connect.request({ address, deviceName: label });
  await admin.device.connect.accept({ selector: request.witness });
  const outcome = await joining.device.connect.complete({ waitSeconds: 10 });
  expect(outcome.state).toBe('connected');
  return joining;
}
