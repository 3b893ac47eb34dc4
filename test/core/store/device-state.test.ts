import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDeviceState } from '../../../electron/core/store/device-state';

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
    await expect(openDeviceState(directory, file)).rejects.toMatchObject({ code: 'HOME_LOCKED' });
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
    const state = await openDeviceState(directory, file); // the lock was released each time
    await state.close();
  });
});
