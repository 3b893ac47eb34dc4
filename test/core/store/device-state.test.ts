import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDeviceState } from '../../../electron/core/store/device-state';

const writer = join(import.meta.dirname, 'fixtures', 'count-up.ts');

let directory: string;
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-state-'));
});
afterEach(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

const file = { kind: 'file', passphrase: 'a long passphrase' } as const;

describe('openDeviceState', () => {
  it('opens home, key store and local store together, and closes them together', async () => {
    const state = await openDeviceState(directory, file, { scryptLogN: 15 });
    state.store.setSetting('device-name', 'laptop');
    expect(await state.keyStore.list()).toEqual(['local-store-key']);
    // A second opener (another process, as far as the store can tell) shares the home.
    const beside = await openDeviceState(directory, file);
    expect(beside.store.getSetting('device-name', z.string())).toBe('laptop');
    beside.store.setSetting('device-name', 'desk');
    expect(state.store.changedElsewhere()).toBe(true);
    expect(state.store.changedElsewhere()).toBe(false);
    expect(state.store.getSetting('device-name', z.string())).toBe('desk');
    await beside.keyStore.set('from-beside', new Uint8Array([1]));
    await state.keyStore.set('from-first', new Uint8Array([2]));
    expect(await beside.keyStore.list()).toEqual(['from-beside', 'from-first', 'local-store-key']);
    await beside.close();
    state.store.setSetting('device-name', 'laptop');
    await state.close();
    const again = await openDeviceState(directory, { passphrase: file.passphrase });
    expect(again.store.getSetting('device-name', z.string())).toBe('laptop');
    await again.close();
  });

  it('leaves nothing open when the key store refuses', async () => {
    await (await openDeviceState(directory, file, { scryptLogN: 15 })).close();
    await expect(openDeviceState(directory, { passphrase: 'wrong' })).rejects.toMatchObject({
      code: 'PASSPHRASE_INVALID',
    });
    await expect(openDeviceState(directory, {})).rejects.toMatchObject({
      code: 'PASSPHRASE_INVALID',
      details: { reason: 'missing' },
    });
    const state = await openDeviceState(directory, file, { lockWaitMs: 0 }); // lock released
    await state.close();
  });

  it('two processes writing one home at once lose no update', async () => {
    // Made here first, so both writers open an existing home (the key file's scrypt cost).
    await (await openDeviceState(directory, file, { scryptLogN: 15 })).close();
    const times = 60;
    const writers = ['a', 'b'].map((label) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', writer, directory, String(times), label],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
          env: { ...process.env, MESH_PASSPHRASE: file.passphrase },
        },
      );
      const lines = createInterface({ input: child.stdout! });
      const next = (): Promise<string> => once(lines, 'line').then(([line]) => line as string);
      return { child, next, exit: once(child, 'exit') };
    });
    expect(await Promise.all(writers.map((w) => w.next()))).toEqual(['ready', 'ready']);
    const done = writers.map((w) => w.next());
    for (const w of writers) w.child.stdin!.end('go\n'); // both start at once
    expect(await Promise.all(done)).toEqual(['done', 'done']);
    await Promise.all(writers.map((w) => w.exit));
    expect(writers.map((w) => w.child.exitCode)).toEqual([0, 0]);

    const state = await openDeviceState(directory, file);
    try {
      // Every read-modify-write of the store and of the key file counted: none overwrote another.
      expect(state.store.getSetting('counter', z.number())).toBe(2 * times);
      const secrets = await state.keyStore.list();
      for (const label of ['a', 'b']) {
        for (let n = 10; n <= times; n += 10) expect(secrets).toContain(`${label}-${n}`);
      }
    } finally {
      await state.close();
    }
  }, 60_000);
});
