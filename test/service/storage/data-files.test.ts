/**
 * The service's files (service/storage/sqlite.ts): the database holds the service's signing key,
 * so every file is 0600 whatever the umask, and a data directory or file others can read is
 * refused at start with the command that fixes it.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildService } from '../../../service/service';

const made: string[] = [];
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
});

function parent(): string {
  const path = mkdtempSync(join(tmpdir(), 'mesh-files-'));
  made.push(path);
  return path;
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('the data directory', () => {
  it('under umask 022 an existing private directory gets 0600 files (database, WAL, lock)', async () => {
    const directory = join(parent(), 'data');
    mkdirSync(directory, { mode: 0o700 });
    const previous = process.umask(0o022);
    try {
      const service = await buildService({ storage: { kind: 'sqlite', directory } });
      await service.handle({ body: new TextEncoder().encode('{"StatusRequest":{}}') });
      for (const name of ['mesh.db', 'mesh.db-wal', 'service.lock']) {
        const path = join(directory, name);
        if (existsSync(path)) expect(mode(path), name).toBe(0o600);
      }
      expect(existsSync(join(directory, 'mesh.db'))).toBe(true);
      await service.close();
    } finally {
      process.umask(previous);
    }
  });

  it('a directory others can read is refused, with the fix in the message', async () => {
    const directory = join(parent(), 'open');
    mkdirSync(directory);
    chmodSync(directory, 0o755);
    await expect(buildService({ storage: { kind: 'sqlite', directory } })).rejects.toThrow(
      `chmod 700 '${directory}'`,
    );
  });

  it('a database file others can read is refused, with the fix in the message', async () => {
    const directory = join(parent(), 'data');
    const service = await buildService({ storage: { kind: 'sqlite', directory } });
    await service.close();
    chmodSync(join(directory, 'mesh.db'), 0o644);
    await expect(buildService({ storage: { kind: 'sqlite', directory } })).rejects.toThrow(
      `chmod 600 '${join(directory, 'mesh.db')}'`,
    );
    chmodSync(join(directory, 'mesh.db'), 0o600);
    const again = await buildService({ storage: { kind: 'sqlite', directory } });
    await again.close();
  });
});
