/**
 * Crash-safe replacement of a small file: write a temporary file beside it, fsync it, rename it
 * over the old one, fsync the directory. After a crash at any point the path holds either the
 * complete old contents or the complete new ones (POSIX rename is atomic within a directory).
 * A disk that is full (ENOSPC, EDQUOT) is DISK_FULL naming the path, and leaves the old file
 * and no temporary behind.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDiskFullError, MeshError } from '../../../shared/errors';

/** DISK_FULL naming `path` for a no-space failure; any other error as it is. */
export function diskFullOr(error: unknown, path: string): unknown {
  if (!isDiskFullError(error)) return error;
  return new MeshError(
    'DISK_FULL',
    `no space left on the disk to write ${path}`,
    { path, reason: 'device' },
    { cause: error },
  );
}

/** Atomically replace `path` with `data` (mode 0600 by default: device-home files are private). */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: { mode?: number } = {},
): Promise<void> {
  const directory = dirname(path);
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  await writeNewFile(temporary, data, { mode: options.mode, shownAs: path });
  try {
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw diskFullOr(error, path);
  }
  await syncDirectory(directory);
}

/**
 * Create `path` (which must not exist) holding `data`, fsynced; on failure nothing is left at
 * `path`. DISK_FULL naming `shownAs` (default `path`: the file the caller is making) when the disk
 * is full.
 */
export async function writeNewFile(
  path: string,
  data: Uint8Array | string,
  options: { mode?: number | undefined; shownAs?: string } = {},
): Promise<void> {
  const shown = options.shownAs ?? path;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'wx', options.mode ?? 0o600);
  } catch (error) {
    throw diskFullOr(error, shown);
  }
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(path, { force: true });
    throw diskFullOr(error, shown);
  }
}

/** fsync a directory so a rename or unlink in it survives a power loss. No-op where unsupported. */
export async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Remove temporary files that a crash left beside `path` (they are never read). */
export async function removeStaleTemporaries(path: string): Promise<void> {
  const directory = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
      .map((name) => fs.rm(join(directory, name), { force: true })),
  );
}
