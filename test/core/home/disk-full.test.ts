/**
 * A full disk on the device (a real tmpfs filled to the last page): the home's atomic writes and
 * its lock say DISK_FULL with the path, keep the old contents, and leave no temporary and no empty
 * lock file behind; once space is freed the same calls work.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../electron/core/home/atomic-file';
import { acquireHomeLock, LOCK_FILE } from '../../../electron/core/home/lock';
import { mountSmallDisk, smallDiskSkipReason } from '../../support/small-disk';

const disk = mountSmallDisk(1);

describe.runIf(disk !== undefined)(`a full disk on the device${smallDiskSkipReason(disk)}`, () => {
  const home = disk!.path;
  afterAll(() => disk?.unmount());

  it('fails the lock with DISK_FULL naming it, and leaves no lock file', async () => {
    await disk!.fill();
    try {
      const error = await acquireHomeLock(home, { waitMs: 0 }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'DISK_FULL', details: { reason: 'device' } });
      expect(String((error as { details: { path: string } }).details.path)).toContain(LOCK_FILE);
      expect(await readdir(home)).toEqual(['filler']);
    } finally {
      await disk!.free();
    }
    const lock = await acquireHomeLock(home, { waitMs: 0 });
    expect(JSON.parse(await readFile(join(home, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    await lock.release();
    expect(await readdir(home)).toEqual([]);
  });

  it('keeps the old contents of an atomic write and no temporary', async () => {
    const path = join(home, 'home.json');
    await writeFile(path, '{"old":true}\n');
    await disk!.fill();
    try {
      await expect(writeFileAtomic(path, '{"new":true}\n'.repeat(1000))).rejects.toMatchObject({
        code: 'DISK_FULL',
        details: { path },
      });
      expect(await readFile(path, 'utf8')).toBe('{"old":true}\n');
      expect((await readdir(home)).sort()).toEqual(['filler', 'home.json']);
    } finally {
      await disk!.free();
    }
    await writeFileAtomic(path, '{"new":true}\n');
    expect(await readFile(path, 'utf8')).toBe('{"new":true}\n');
  });
});
