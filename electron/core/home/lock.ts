/**
 * The locks of a device home (docs/local-store.md "Sharing a home"): several processes - the
 * desktop program and `mesh` commands - may have one home open at once, and a lock is held only
 * around what must be exclusive: `home.lock` while a home is set up or its secrets change
 * (home.json, the key file, the local store's creation, making an account, connecting, recovering),
 * `sync.lock` while the catalogs sync. A lock file created with O_EXCL holds the owner's pid; a
 * lock whose owner is dead on this host is stale and is taken over, under a short-lived guard file
 * so that two processes finding the same stale lock cannot both take it (the loser re-reads the
 * lock, finds the winner alive, and waits or fails). A live holder is waited for, up to a limit,
 * since it holds the lock for moments; then the error is HOME_LOCKED naming it. A lock file is
 * never seen half-written: its record is written to a temporary file first and hard-linked to the
 * lock's name (link fails if the name exists, as O_EXCL does), so a full disk (DISK_FULL) or a
 * crash leaves no empty lock behind.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { promises as fs, unlinkSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { MeshError } from '../../../shared/errors';
import { diskFullOr, syncDirectory, writeNewFile } from './atomic-file';

/** File name of the home's lock inside the home directory (setting up, secrets). */
export const LOCK_FILE = 'home.lock';
/** File name of the lock held while the catalogs of the home sync. */
export const SYNC_LOCK_FILE = 'sync.lock';
/** Which lock: the home's own, or the sync's. */
export type HomeLockName = 'home' | 'sync';
const LOCK_FILES: Readonly<Record<HomeLockName, string>> = {
  home: LOCK_FILE,
  sync: SYNC_LOCK_FILE,
};
/** How long a live holder is waited for by default, in milliseconds. */
export const DEFAULT_LOCK_WAIT_MS: Readonly<Record<HomeLockName, number>> = {
  home: 60_000,
  sync: 300_000,
};
const MAX_RETRY_DELAY_MS = 200;
/** A lock file this young with unreadable contents is still being written by its owner. */
const UNREADABLE_GRACE_MS = 2_000;
const RETRY_DELAY_MS = 25;
const MAX_ATTEMPTS = 200;

const lockRecordSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  token: z.string().min(1),
  created: z.string(),
  /** When the owner process started (processStart), where the system tells; absent otherwise. */
  started: z.string().optional(),
});
type LockRecord = z.infer<typeof lockRecordSchema>;

/**
 * A held home lock. `release()` is idempotent; the lock is also released when the process exits.
 */
export interface HomeLock {
  readonly path: string;
  readonly pid: number;
  release(): Promise<void>;
}

/** Which lock to take and how long to wait for a live holder. */
export interface HomeLockOptions {
  /** `home` (default) or `sync`. */
  readonly lock?: HomeLockName;
  /** Wait up to this long for a live holder to release it (default 0: fail at once). */
  readonly waitMs?: number;
  /** Stops the wait for another process's holder: CANCELLED. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Take a lock of the home at `directory` (which must exist). Throws MeshError('HOME_LOCKED'),
 * details `{ directory, lock, pid, hostname, waitedMs }`, when a live process still holds it
 * after `waitMs`.
 */
export async function acquireHomeLock(
  directory: string,
  options: HomeLockOptions = {},
): Promise<HomeLock> {
  const name = options.lock ?? 'home';
  const path = join(directory, LOCK_FILES[name]);
  const record: LockRecord = {
    pid: process.pid,
    hostname: hostname(),
    token: randomBytes(16).toString('hex'),
    created: new Date().toISOString(),
    ...startedField(process.pid),
  };
  const started = Date.now();
  let pause = RETRY_DELAY_MS;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(path, record)) return heldLock(directory, path, record);
    const holder = await readLock(path);
    if (holder === 'missing') continue; // released between our create and read: try again
    if (holder === 'unreadable') {
      // A lock being written right now is unreadable for an instant; an old one is debris.
      if (await olderThan(path, UNREADABLE_GRACE_MS)) {
        await takeOver(directory, path, 'unreadable');
      } else {
        await delay(RETRY_DELAY_MS);
      }
      continue;
    }
    if (holderIsAlive(holder)) {
      const waited = Date.now() - started;
      if (waited >= (options.waitMs ?? 0)) throw homeLocked(directory, name, holder, waited);
      // A live holder keeps it for moments: look again, less often the longer it takes.
      await delay(Math.min(pause, Math.max(1, (options.waitMs ?? 0) - waited)), undefined, {
        ...(options.signal !== undefined && { signal: options.signal }),
      }).catch(() => undefined);
      if (options.signal?.aborted) {
        throw new MeshError('CANCELLED', 'stopped waiting for the lock of the device home', {
          lock: name,
        });
      }
      pause = Math.min(pause * 2, MAX_RETRY_DELAY_MS);
      attempt = 0;
      continue;
    }
    await takeOver(directory, path, holder);
  }
  throw new MeshError(
    'HOME_LOCKED',
    `could not take the ${name} lock of the device home ${directory}`,
    {
      directory,
      lock: name,
    },
  );
}

/** The locks the running async call chain holds (withHomeLock), innermost first. */
interface HeldSection {
  readonly path: string;
  /** False once the section ended: work it started and left running holds nothing. */
  active: boolean;
  readonly outer: HeldSection | undefined;
}
const sections = new AsyncLocalStorage<HeldSection>();
/** Sections of this process waiting for or holding each lock file, so they queue here. */
const queues = new Map<string, Promise<void>>();

function holds(path: string): boolean {
  for (let section = sections.getStore(); section !== undefined; section = section.outer) {
    if (section.active && section.path === path) return true;
  }
  return false;
}

/**
 * Run `work` holding a lock of the home at `directory` (which must exist), released when it
 * settles. Re-entrant: work that already holds the lock (in its async call chain) runs at once.
 * Sections of this process queue for the lock in order; other processes' holders are waited for
 * up to `waitMs` (default DEFAULT_LOCK_WAIT_MS), then HOME_LOCKED.
 */
export async function withHomeLock<T>(
  directory: string,
  work: () => Promise<T>,
  options: HomeLockOptions = {},
): Promise<T> {
  const name = options.lock ?? 'home';
  // One spelling per file, so that sections of this process always meet in the same queue.
  const path = join(resolve(directory), LOCK_FILES[name]);
  if (holds(path)) return work();
  const before = queues.get(path) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = before.then(() => mine);
  queues.set(path, tail);
  try {
    await before;
    const lock = await acquireHomeLock(directory, {
      lock: name,
      waitMs: options.waitMs ?? DEFAULT_LOCK_WAIT_MS[name],
      signal: options.signal,
    });
    const section: HeldSection = { path, active: true, outer: sections.getStore() };
    try {
      return await sections.run(section, work);
    } finally {
      section.active = false;
      await lock.release();
    }
  } finally {
    done();
    if (queues.get(path) === tail) queues.delete(path);
  }
}

/**
 * Create the lock file `path` holding `record`, complete or not at all (module comment); false
 * when it exists already.
 */
async function tryCreate(path: string, record: LockRecord): Promise<boolean> {
  const temporary = `${path}.${record.token}.tmp`;
  await writeNewFile(temporary, JSON.stringify(record), { shownAs: path });
  try {
    await fs.link(temporary, path);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw diskFullOr(error, path);
  } finally {
    await fs.rm(temporary, { force: true });
  }
  return true;
}

async function readLock(path: string): Promise<LockRecord | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = lockRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Remove a stale lock, but only if it is still the one we judged stale: the check and the unlink
 * happen while holding the guard, so a live process's fresh lock is never removed.
 */
async function takeOver(
  directory: string,
  path: string,
  stale: LockRecord | 'unreadable',
): Promise<void> {
  const guardPath = `${path}.takeover`;
  const guard: LockRecord = {
    pid: process.pid,
    hostname: hostname(),
    token: randomBytes(16).toString('hex'),
    created: new Date().toISOString(),
  };
  if (!(await tryCreate(guardPath, guard))) {
    // Another process is taking over. Its guard lives for milliseconds unless it died there.
    const other = await readLock(guardPath);
    const dead =
      other === 'unreadable'
        ? await olderThan(guardPath, UNREADABLE_GRACE_MS)
        : other !== 'missing' && !holderIsAlive(other);
    if (dead) await fs.rm(guardPath, { force: true });
    else await delay(RETRY_DELAY_MS);
    return;
  }
  try {
    const current = await readLock(path);
    const unchanged =
      stale === 'unreadable'
        ? current === 'unreadable'
        : current !== 'missing' && current !== 'unreadable' && current.token === stale.token;
    if (unchanged) {
      await fs.rm(path, { force: true });
      await syncDirectory(directory);
    }
  } finally {
    await fs.rm(guardPath, { force: true });
  }
}

function heldLock(directory: string, path: string, record: LockRecord): HomeLock {
  let released = false;
  // Release only our own lock: never remove a lock that another process took after a takeover.
  const releaseSync = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', releaseSync);
    try {
      const current = lockRecordSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (current.success && current.data.token === record.token) unlinkSync(path);
    } catch {
      // Already gone or unreadable: nothing of ours to remove.
    }
  };
  process.on('exit', releaseSync);
  return {
    path,
    pid: record.pid,
    async release() {
      if (released) return;
      releaseSync();
      await syncDirectory(directory).catch(() => undefined);
    },
  };
}

/**
 * Whether the lock's owner still runs. A lock from another host cannot be checked and counts as
 * held; signal 0 probes a pid without touching it (EPERM: alive, owned by another user).
 */
function holderIsAlive(holder: LockRecord): boolean {
  if (holder.hostname !== hostname()) return true;
  // A pid that was reused (after the owner died, or a container restarted) belongs to a process
  // that started at another time: the lock is stale even though the pid answers.
  if (holder.started !== undefined) {
    const started = processStart(holder.pid);
    if (started !== undefined && started !== holder.started) return false;
  }
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * When process `pid` started, as the system counts it: on Linux field 22 of /proc/PID/stat
 * (proc(5), clock ticks since boot) with the boot id, so that it also differs across reboots.
 * Undefined where there is no /proc (the pid check alone applies there).
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19];
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
    let boot = '';
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      // No boot id: the start time alone.
    }
    return boot === '' ? ticks : `${boot}:${ticks}`;
  } catch {
    return undefined;
  }
}

function startedField(pid: number): { started?: string } {
  const started = processStart(pid);
  return started === undefined ? {} : { started };
}

function homeLocked(
  directory: string,
  lock: HomeLockName,
  holder: LockRecord,
  waitedMs: number,
): MeshError {
  const who =
    holder.pid === process.pid
      ? 'this process holds it'
      : holder.hostname === hostname()
        ? `process ${holder.pid} holds it`
        : `process ${holder.pid} on host ${holder.hostname} holds it`;
  const what = lock === 'sync' ? 'syncing' : 'setting up or changing';
  return new MeshError(
    'HOME_LOCKED',
    `another process is ${what} the device home ${directory} (${who})`,
    { directory, lock, pid: holder.pid, hostname: holder.hostname, waitedMs },
  );
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    const stat = await fs.stat(path);
    return Date.now() - stat.mtimeMs > ms;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}
