/**
 * The home lock (electron/core/home/lock.ts): a lock whose process id now belongs to another
 * process (the owner died and the pid was reused, e.g. after a container restart) is stale, told
 * apart by the process start time; a lock of a live owner still holds.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireHomeLock, processStart } from '../../../electron/core/home/lock';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function home(): string {
  const path = mkdtempSync(join(tmpdir(), 'mesh-lock-'));
  homes.push(path);
  return path;
}

function writeLock(directory: string, pid: number, started: string | undefined): void {
  writeFileSync(
    join(directory, 'home.lock'),
    JSON.stringify({
      pid,
      hostname: hostname(),
      token: 'previous-owner',
      created: new Date().toISOString(),
      ...(started === undefined ? {} : { started }),
    }),
  );
}

describe.runIf(existsSync('/proc/self/stat'))('a home lock whose pid was reused', () => {
  it('is stale when the live process with that pid started at another time', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    try {
      const pid = child.pid as number;
      const directory = home();
      writeLock(directory, pid, 'another-boot:1');
      const lock = await acquireHomeLock(directory);
      expect(lock.pid).toBe(process.pid);
      await lock.release();
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });

  it('still holds when that process is the one that took it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    try {
      const pid = child.pid as number;
      const directory = home();
      writeLock(directory, pid, processStart(pid));
      await expect(acquireHomeLock(directory)).rejects.toMatchObject({ code: 'HOME_LOCKED' });
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });

  it('this process id in a lock left by an earlier process is stale too', async () => {
    const directory = home();
    writeLock(directory, process.pid, 'another-boot:1');
    const lock = await acquireHomeLock(directory);
    await lock.release();
  });
});
