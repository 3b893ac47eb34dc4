// A throwaway PostgreSQL from Debian's package, on a private port and data directory: started
// by test/run.mjs for the tests (MESH_TEST_POSTGRES_URL) and by the bench's lookups section.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bin directory of the newest installed PostgreSQL with initdb and pg_ctl, if any. */
export function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  for (const version of readdirSync(base).sort().reverse()) {
    const bin = join(base, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

/**
 * Start one: `{ url, stop }` (stop() stops it at once and removes its directory), or
 * `{ skipped }` with the reason it cannot run here.
 */
export function startThrowawayPostgres() {
  const bin = findPostgresBin();
  if (!bin) return { skipped: 'no PostgreSQL here (apt-get install postgresql)' };
  const dir = mkdtempSync(join(tmpdir(), 'mesh-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (command, commandArgs) =>
    asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...commandArgs], {
          encoding: 'utf8',
        })
      : spawnSync(join(bin, command), commandArgs, { encoding: 'utf8' });
  if (asRoot) {
    spawnSync('chmod', ['755', dir]);
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const port = 20000 + Math.floor(Math.random() * 20000);
  const init = run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres']);
  const start =
    init.status === 0
      ? run('pg_ctl', [
          '-D',
          join(dir, 'data'),
          '-w',
          '-l',
          join(dir, 'log'),
          '-o',
          `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on`,
          'start',
        ])
      : init;
  if (start.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `could not start PostgreSQL: ${start.stderr || start.stdout}` };
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
