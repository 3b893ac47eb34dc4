/**
 * Kill a writing process at random moments, many times, and check after each kill that the
 * device state opens to a consistent state (docs/architecture.md section 7).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';
import { z } from 'zod';
import { openDeviceState } from '../../../electron/core/store/device-state';

const victim = join(import.meta.dirname, 'fixtures', 'write-forever.ts');
const passphrase = 'crash test passphrase';

/** Run `rounds` kill-and-check rounds; returns the number of changes that survived. */
export async function crashRounds(rounds: number): Promise<number> {
  const directory = await fs.mkdtemp(join(tmpdir(), 'mesh-crash-'));
  let counter = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', victim, directory], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, MESH_PASSPHRASE: passphrase },
      });
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      expect(line).toBe('ready');
      await delay(10 + Math.floor(Math.random() * 150));
      child.kill('SIGKILL');
      await once(child, 'exit');

      const state = await openDeviceState(directory, { passphrase }, { scryptLogN: 15 });
      try {
        const { store, keyStore } = state;
        const now = store.getSetting('counter', z.number()) ?? 0;
        expect(now).toBeGreaterThanOrEqual(counter); // committed changes are never lost
        counter = now;
        expect(store.lastIndex('c')).toBe(now);
        expect(store.countEntries('c')).toBe(now);
        expect(store.getSyncPosition('c')?.index ?? 0).toBe(now);
        expect(store.pendingEdits()).toHaveLength(now);
        for (const entry of store.getEntries('c')) {
          expect(entry.data.length).toBe(2_000);
          expect(entry.data.every((b) => b === entry.index % 256)).toBe(true);
        }
        const last = await keyStore.get('last-written');
        if (last !== undefined) {
          const written = new Uint32Array(last.slice().buffer)[0]!;
          expect(written % 5).toBe(0);
          expect(written).toBeLessThanOrEqual(now);
        }
      } finally {
        await state.close();
      }
    }
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
  return counter;
}
