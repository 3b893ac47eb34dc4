/**
 * A small real file system for disk-full tests: a tmpfs of a few MiB mounted on a temporary
 * directory (the kernel then answers ENOSPC as on a full disk), filled and freed on demand. Only
 * where mounting is allowed (root, or a system that lets this user mount); `mountSmallDisk`
 * answers undefined elsewhere and the tests say why they are skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** The mounted directory. */
  readonly path: string;
  /** Fill every free page (a filler file written until ENOSPC). */
  fill(): Promise<void>;
  /** Remove the filler. */
  free(): Promise<void>;
  unmount(): void;
}

/** Mount a tmpfs of `megabytes` MiB, or undefined when this process may not mount. */
export function mountSmallDisk(megabytes = 8): SmallDisk | undefined {
  if (process.platform !== 'linux') return undefined;
  const path = mkdtempSync(join(tmpdir(), 'mesh-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0700`, 'tmpfs', path], {
      stdio: 'ignore',
    });
  } catch {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  }
  const filler = join(path, 'filler');
  return {
    path,
    async fill() {
      for (const size of [1 << 20, 1 << 16, 1 << 12, 1]) {
        const chunk = Buffer.alloc(size, 1);
        for (;;) {
          try {
            await appendFile(filler, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw error;
          }
        }
      }
    },
    async free() {
      await rm(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', [path], { stdio: 'ignore' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Why the disk-full tests are skipped here, or '' when they run. */
export function smallDiskSkipReason(disk: SmallDisk | undefined): string {
  return disk === undefined ? ' (skipped: this process may not mount a small tmpfs)' : '';
}
