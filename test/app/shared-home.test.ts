// The desktop and the CLI on one device home at the same time (docs/local-store.md "Sharing a
// home"): the desktop's device host (electron/app/device-host.ts, the real MeshDevice behind its
// generic dispatcher) keeps the home open, with its secrets in the REAL OS keychain and a real
// Mesh service on loopback, while `mesh` runs as a real separate process
// (`node electron/cli/bin.mjs`) on the same home. Each sees what the other changed without a
// restart, and the two syncs never upload the same edit twice.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshDispatcher } from '../../shared/ipc/dispatcher';
import { createDesktopApi, createDesktopDispatcher } from '../../electron/app/desktop-api';
import { openDeviceHost, type DeviceHost } from '../../electron/app/device-host';
import { superviseService } from '../../electron/app/service-supervisor';
import { EXIT_OK } from '../../electron/cli/run';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { startService, type TestService } from '../core/harness';
import { deviceCoreOf } from '../../electron/core/session/device-internals';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'electron', 'cli', 'bin.mjs');

const identity = {
  name: 'Mesh Desktop',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  electron: null,
};

/** `mesh ARGS` as its own process on `home` (the TypeScript sources, through tsx). */
async function meshProcess(
  home: string,
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, MESH_HOME: home, MESH_CLI_SOURCE: '1' },
      timeout: 120_000,
    });
    return { status: EXIT_OK, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      status: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? String(error),
    };
  }
}

describe.runIf(keychainInSession)(`the desktop and mesh on one home${keychainSkipReason}`, () => {
  let service: TestService;
  let home: string;
  let host: DeviceHost;
  let dispatch: MeshDispatcher;

  /** The value of a successful reply (fails the test otherwise). */
  async function value(method: string, request?: unknown): Promise<unknown> {
    const reply = await dispatch(request === undefined ? { method } : { method, request });
    if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  }

  beforeAll(async () => {
    service = await startService();
    home = mkdtempSync(join(tmpdir(), 'mesh-shared-home-'));
    const supervisor = superviseService({ kind: 'configured', url: `${service.url}/` });
    host = openDeviceHost({ home, keyStore: { kind: 'keychain' }, service: supervisor });
    dispatch = createDesktopDispatcher(host, createDesktopApi({ identity, service: supervisor }));
    await value('account.create', { address: 'alice', deviceName: 'laptop' });
  }, 60_000);
  afterAll(async () => {
    // Forget what the home put in the keychain (namespaced by its home id).
    const device = await host.device().catch(() => undefined);
    if (device !== undefined) {
      const keyStore = deviceCoreOf(device).context.keyStore;
      for (const name of await keyStore.list()) await keyStore.delete(name);
    }
    await host.close();
    await service.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('mesh password add succeeds while the desktop has the home open, and the desktop lists the entry at once', async () => {
    // The desktop's password catalog is loaded (in memory) before the CLI changes it.
    expect(await value('passwords.list')).toEqual([]);

    const added = await meshProcess(home, [
      '--json',
      'password',
      'add',
      'shop.example',
      'alice',
      '--password',
      'from the terminal',
    ]);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(EXIT_OK);
    expect(JSON.parse(added.stdout)).toMatchObject({ sync: { state: 'synced', pending: 0 } });

    // No restart: the next call reads what the other process committed.
    const listed = (await value('passwords.list')) as Array<{ id: string; username: string }>;
    expect(listed).toEqual([
      expect.objectContaining({ sites: ['shop.example'], username: 'alice' }),
    ]);
    expect(await value('passwords.reveal', { id: listed[0]!.id })).toEqual({
      id: listed[0]!.id,
      password: 'from the terminal',
    });
  }, 180_000);

  it('an entry the desktop adds is what mesh password get prints, and is uploaded once', async () => {
    await value('passwords.add', {
      sites: ['bank.example'],
      username: 'alice',
      password: 'from the desktop',
    });
    // Queued on the desktop, not uploaded yet: the CLI's sync (before it reads) uploads it.
    const got = await meshProcess(home, ['--json', 'password', 'get', 'bank.example']);
    expect(got.stderr).toBe('');
    expect(got.status).toBe(EXIT_OK);
    expect(JSON.parse(got.stdout)).toMatchObject({
      username: 'alice',
      password: 'from the desktop',
      sync: { state: 'synced', pending: 0 },
    });

    // The desktop's own sync finds nothing left to upload: the edit it queued went once.
    const synced = (await value('account.sync')) as {
      uploaded: number;
      catalogs: Array<{ type: string; entries: number; pending: number }>;
    };
    expect(synced.uploaded).toBe(0);
    expect(synced.catalogs).toContainEqual(
      expect.objectContaining({ type: 'password', entries: 2, pending: 0 }),
    );
    const status = await meshProcess(home, ['--json', 'account', 'status']);
    expect(status.status).toBe(EXIT_OK);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'connected', role: 'administrator' });
  }, 180_000);
});
