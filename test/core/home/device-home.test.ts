import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMeshError } from '../../../shared/errors';
import { HOME_FILE, openDeviceHome } from '../../../electron/core/home/device-home';
import { LOCK_FILE, withHomeLock } from '../../../electron/core/home/lock';

const holder = join(import.meta.dirname, 'fixtures', 'hold-home.ts');
const children: ChildProcess[] = [];

/**
 * Start a process that takes the lock of `directory` (waiting up to `waitMs` for a live holder)
 * and holds it until its stdin closes; resolves with its first line of output.
 */
async function startHolder(
  directory: string,
  waitMs = 0,
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', holder, directory, String(waitMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, line };
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

let directory: string;
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-home-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  }
  await fs.rm(directory, { recursive: true, force: true });
});

describe('device home', () => {
  it('creates a home with a stable id and private files', async () => {
    const home = await openDeviceHome(join(directory, 'a', 'b'));
    const id = home.homeId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(home.keyStoreKind).toBeUndefined();
    await home.setKeyStoreKind('file');
    await home.close();
    const stat = await fs.stat(join(directory, 'a', 'b', HOME_FILE));
    if (process.platform !== 'win32') expect(stat.mode & 0o077).toBe(0);
    const again = await openDeviceHome(join(directory, 'a', 'b'));
    expect(again.homeId).toBe(id);
    expect(again.keyStoreKind).toBe('file');
    await expect(again.setKeyStoreKind('keychain')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await again.close();
  });

  it('two homes have different ids', async () => {
    const a = await openDeviceHome(join(directory, 'a'));
    const b = await openDeviceHome(join(directory, 'b'));
    expect(a.homeId).not.toBe(b.homeId);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a home.json that is not ours', async () => {
    await fs.writeFile(join(directory, HOME_FILE), '{"format":"other"}');
    await expect(openDeviceHome(directory)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    // The failed open released the lock.
    expect(existsSync(join(directory, LOCK_FILE))).toBe(false);
  });

  it('one process may open a home twice; their exclusive work runs one after the other', async () => {
    const first = await openDeviceHome(directory);
    const second = await openDeviceHome(directory);
    expect(second.homeId).toBe(first.homeId);
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const a = first.exclusive(async () => {
      order.push('a in');
      entered();
      await held;
      order.push('a out');
    });
    await inside;
    const b = second.exclusive(async () => void order.push('b'));
    // b queues behind a (no HOME_LOCKED within one process), and runs once a is done.
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(['a in', 'a out', 'b']);
    expect(existsSync(join(directory, LOCK_FILE))).toBe(false);
    await Promise.all([first.close(), second.close()]);
  });

  it('exclusive work is re-entrant, but work it leaves running holds nothing', async () => {
    const home = await openDeviceHome(directory);
    let leftRunning: Promise<void> | undefined;
    let goOn!: () => void;
    const later = new Promise<void>((resolve) => (goOn = resolve));
    await home.exclusive(async () => {
      // Nested: runs at once instead of waiting for itself.
      await home.exclusive(async () => expect(existsSync(join(directory, LOCK_FILE))).toBe(true));
      leftRunning = later.then(() =>
        home.exclusive(async () => expect(existsSync(join(directory, LOCK_FILE))).toBe(true)),
      );
    });
    expect(existsSync(join(directory, LOCK_FILE))).toBe(false);
    // After the section ended, the work it started takes the lock itself (it was released).
    const other = await startHolder(directory);
    expect(other.line).toMatch(/^locked /);
    goOn();
    const waited = home.exclusive(async () => 'after', 'home');
    other.child.stdin!.end();
    await exited(other.child);
    await leftRunning;
    expect(await waited).toBe('after');
    await home.close();
  });
});

describe('device home lock across processes', () => {
  it('a second process gets HOME_LOCKED naming the pid of the first once its wait is over', async () => {
    const first = await startHolder(directory);
    expect(first.line).toMatch(/^locked /);
    const error: unknown = await openDeviceHome(directory, { lockWaitMs: 0 }).catch(
      (e: unknown) => e,
    );
    expect(isMeshError(error, 'HOME_LOCKED')).toBe(true);
    const meshError = error as { details: Record<string, unknown>; message: string };
    expect(meshError.details).toMatchObject({ pid: first.child.pid, lock: 'home', directory });
    expect(meshError.message).toContain(`process ${first.child.pid}`);

    // The other way round: a child process is refused while this one holds the lock.
    first.child.stdin!.end();
    await exited(first.child);
    expect(existsSync(join(directory, LOCK_FILE))).toBe(false);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const section = withHomeLock(directory, async () => {
      entered();
      await held;
    });
    await inside;
    const second = await startHolder(directory);
    expect(second.line).toBe(`HOME_LOCKED ${process.pid}`);
    release();
    await section;
  });

  it('a process waiting for the lock takes it when the holder lets go', async () => {
    const first = await startHolder(directory);
    // A wait can be given up.
    const stop = new AbortController();
    const given = withHomeLock(directory, async () => 'never', {
      waitMs: 60_000,
      signal: stop.signal,
    });
    stop.abort();
    await expect(given).rejects.toMatchObject({ code: 'CANCELLED' });
    const opening = openDeviceHome(directory, { lockWaitMs: 60_000 });
    first.child.stdin!.end();
    const home = await opening;
    expect(home.homeId).toBe(first.line.split(' ')[1]);
    await home.close();
  });

  it('a lock left by a killed process is stale and taken over', async () => {
    const first = await startHolder(directory);
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(existsSync(join(directory, LOCK_FILE))).toBe(true);
    const home = await openDeviceHome(directory);
    expect(home.homeId).toBe(first.line.split(' ')[1]);
    await home.close();
  });

  it('of several processes racing for one stale lock exactly one wins', async () => {
    const first = await startHolder(directory);
    first.child.kill('SIGKILL');
    await exited(first.child);
    const racers = await Promise.all([1, 2, 3, 4].map(() => startHolder(directory)));
    const winners = racers.filter((r) => r.line.startsWith('locked'));
    expect(winners).toHaveLength(1);
    const winnerPid = winners[0]!.child.pid;
    for (const loser of racers.filter((r) => !r.line.startsWith('locked'))) {
      expect(loser.line).toBe(`HOME_LOCKED ${winnerPid}`);
    }
  });

  it('an empty lock file (owner died while writing it) is taken over once it is old', async () => {
    await fs.writeFile(join(directory, LOCK_FILE), '');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(join(directory, LOCK_FILE), old, old);
    const home = await openDeviceHome(directory);
    await home.close();
  });
});
