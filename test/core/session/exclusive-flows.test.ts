// What stays exclusive on a shared home (docs/local-store.md "Sharing a home"): a device opened
// beside another process keeps working, but setting the home up (creating an account here) waits
// for the home's lock, and reports HOME_LOCKED, with the holder in its details, when another
// process keeps it longer than the wait allows.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeshDevice } from '../../../electron/core/mesh-device';
import { writeAccountBinding } from '../../../electron/core/session/device-records';

const holder = join(import.meta.dirname, '..', 'home', 'fixtures', 'hold-home.ts');
let directory: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-exclusive-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await fs.rm(directory, { recursive: true, force: true });
});

describe('exclusive work on a shared home', () => {
  it('account.create waits for another process holding the lock, then HOME_LOCKED', async () => {
    const device = await MeshDevice.open({
      home: directory,
      keyStore: { kind: 'file', passphrase: 'a long passphrase' },
      keyStoreOptions: { scryptLogN: 15 },
      lockWaitMs: 300,
    });
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', holder, directory], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(child);
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      expect(line).toMatch(/^locked /);

      // Reading goes on beside the other process.
      expect(await device.account.status()).toMatchObject({ state: 'unconnected' });
      // Setting the home up does not.
      await expect(
        device.account.create({ address: 'alice@127.0.0.1:9', deviceName: 'laptop' }),
      ).rejects.toMatchObject({
        code: 'HOME_LOCKED',
        details: { lock: 'home', pid: child.pid, directory },
      });
      expect(await device.context.keyStore.list()).toEqual(['local-store-key']); // no seed made
      child.stdin!.end();
      await once(child, 'exit');
    } finally {
      await device.close();
    }
  }, 60_000);

  it('a home another process connects is announced at the next catch-up', async () => {
    const open = () =>
      MeshDevice.open({
        home: directory,
        keyStore: { kind: 'file', passphrase: 'a long passphrase' },
        keyStoreOptions: { scryptLogN: 15 },
      });
    const here = await open();
    const there = await open(); // its own connection to the store, as another process has
    try {
      const states: unknown[] = [];
      here.on('connection-state', (event) => states.push(event));
      await here.context.catchUp();
      expect(states).toEqual([]); // nothing changed elsewhere
      const binding = {
        address: 'alice@example.com',
        account: 'alice',
        profileUdf: 'MAST-ERPR-OFIL',
        deviceUdf: 'DEVI-CEUD-FXXX',
        deviceName: 'laptop',
        role: 'administrator' as const,
        connected: '2026-01-01T00:00:00Z',
      };
      writeAccountBinding(there.context.store, binding);
      await here.context.catchUp();
      expect(states).toEqual([
        { state: 'connected', account: 'alice@example.com', deviceUdf: 'DEVI-CEUD-FXXX' },
      ]);
      expect(here.context.account()).toEqual(binding);
      await here.context.catchUp();
      expect(states).toHaveLength(1); // announced once
    } finally {
      await there.close();
      await here.close();
    }
  }, 60_000);
});
