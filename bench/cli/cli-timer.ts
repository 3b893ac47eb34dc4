/**
 * The `cli` section's measuring process (sections/cli.ts starts it, under dbus-run-session with
 * an unlocked gnome-keyring when it can, as test/run.mjs does): makes a home with an account and
 * one password (service started as `npm run service` does, then stopped), then times whole
 * processes - `node -e 0` and the `mesh` bin running three commands - in alternating rounds, so
 * that each ratio compares medians of the same minutes. Prints one line `CLI_TIMES {...}`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI_TIMES_PREFIX = 'CLI_TIMES ';

/** What the timer reports: the wall time of every run of each command, ms. */
export interface CliTimes {
  readonly rounds: number;
  readonly keyStore: string;
  readonly runs: Readonly<Record<string, readonly number[]>>;
  /** Why `password get` could not be measured, if it could not. */
  readonly passwordSkipped?: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repoRoot, 'electron', 'cli', 'bin.mjs');
const SITE = 'bench.example.com';

/** Runs one process to its end; its wall time in ms (throws when it fails or says otherwise). */
function timed(args: readonly string[], env: NodeJS.ProcessEnv, expect?: RegExp): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8', cwd: repoRoot });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 || (expect !== undefined && !expect.test(result.stdout))) {
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  }
  return ms;
}

/** `npm run service`'s entry on a fresh directory; resolves to its port and a stop function. */
async function startService(data: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'scripts', 'service.mjs'),
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data',
      data,
      '--rate',
      '0',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    lines.on('line', (line) => {
      const match = /listening on http:\/\/\S+?:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${code}): ${errors}`)));
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(rounds: number): Promise<CliTimes> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mesh-bench-cli-'));
  const home = path.join(scratch, 'home');
  const file = path.join(scratch, 'file.txt');
  await writeFile(file, 'The file whose UDF `mesh hash udf` prints.\n');
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', MESH_HOME: home };
  delete baseEnv.MESH_KEYSTORE;
  delete baseEnv.MESH_PASSPHRASE;
  const keychain = process.env.MESH_BENCH_KEYCHAIN === '1';
  const keyStore = keychain ? 'keychain (gnome-keyring in dbus-run-session)' : 'none';
  const commands: Record<string, { args: string[]; expect: RegExp }> = {
    'node -e 0': { args: ['-e', '0'], expect: /^$/ },
    'mesh --help': { args: [bin, '--help'], expect: /^Usage: mesh/ },
    'mesh hash udf FILE': { args: [bin, 'hash', 'udf', file], expect: /^M[A-Z2-7]{3}-/ },
  };
  let passwordSkipped: string | undefined;
  try {
    if (!keychain) throw new Error('no keychain session (dbus-run-session, gnome-keyring-daemon)');
    const service = await startService(path.join(scratch, 'data'));
    try {
      timed([bin, 'account', 'create', `bench@127.0.0.1:${service.port}`], baseEnv);
      timed(
        [bin, 'password', 'add', SITE, 'alice', '--password', 'c0rrect-h0rse-battery-staple'],
        baseEnv,
      );
    } finally {
      await service.stop();
    }
    commands['mesh password get SITE --offline'] = {
      args: [bin, 'password', 'get', SITE, '--offline'],
      expect: /^Site: +bench\.example\.com/,
    };
  } catch (error) {
    passwordSkipped = error instanceof Error ? error.message : String(error);
  }
  const runs: Record<string, number[]> = Object.fromEntries(
    Object.keys(commands).map((name) => [name, []]),
  );
  try {
    // One warm-up run of each (the bin builds a stale bundle then; the page cache fills).
    for (const command of Object.values(commands)) timed(command.args, baseEnv, command.expect);
    for (let round = 0; round < rounds; round++) {
      for (const [name, command] of Object.entries(commands)) {
        runs[name]!.push(timed(command.args, baseEnv, command.expect));
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { rounds, keyStore, runs, ...(passwordSkipped === undefined ? {} : { passwordSkipped }) };
}

main(Number(process.argv[2] ?? 15)).then(
  (times) => console.log(`${CLI_TIMES_PREFIX}${JSON.stringify(times)}`),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
