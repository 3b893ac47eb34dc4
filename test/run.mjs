#!/usr/bin/env node
// `npm test`: the one test command. It gives the suite its real parts and then runs Vitest:
//  - an OS keychain: re-runs itself under `dbus-run-session` with an unlocked gnome-keyring
//    when no session bus is there (docs/architecture.md section 13, "OS keychain in headless
// tests");  - a throwaway PostgreSQL from Debian's package on a private port and data directory,
//    exported as MESH_TEST_POSTGRES_URL;
// and ends with one line `N passed, N failed, N skipped`.
// With CI=true a missing keychain or PostgreSQL is an error, not a skip.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, startThrowawayPostgres } from './support/throwaway-postgres.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const strict = process.env.CI === 'true' || process.env.MESH_TEST_STRICT === '1';

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// 1. The keychain session, with a keyring folder of its own: gnome-keyring keeps its keyrings in
// $XDG_DATA_HOME/keyrings and its sockets in $XDG_RUNTIME_DIR, so both point into a temporary
// folder - the run creates and unlocks a fresh login keyring there, never the user's own
// (~/.local/share/keyrings), and the folder is removed when the run ends.
if (!process.env.MESH_TEST_IN_SESSION) {
  if (have('dbus-run-session') && have('gnome-keyring-daemon')) {
    const keyringHome = mkdtempSync(join(tmpdir(), 'mesh-test-keyring-'));
    const dataHome = join(keyringHome, 'data');
    const runtimeDir = join(keyringHome, 'run');
    mkdirSync(dataHome, { mode: 0o700 });
    mkdirSync(runtimeDir, { mode: 0o700 });
    const inner =
      'echo -n mesh-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec node "$0" "$@"';
    const child = spawn(
      'dbus-run-session',
      ['--', 'sh', '-c', inner, fileURLToPath(import.meta.url), ...args],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          MESH_TEST_IN_SESSION: '1',
          MESH_TEST_KEYCHAIN: '1',
          XDG_DATA_HOME: dataHome,
          XDG_RUNTIME_DIR: runtimeDir,
        },
      },
    );
    child.on('exit', (code, signal) => {
      rmSync(keyringHome, { recursive: true, force: true });
      process.exit(signal ? 1 : (code ?? 1));
    });
    // The parent only waits for the child.
    await new Promise(() => {});
  } else if (strict) {
    console.error(
      'test: dbus-run-session and gnome-keyring-daemon are needed (apt-get install dbus gnome-keyring).',
    );
    process.exit(1);
  } else {
    console.error(
      'test: no dbus-run-session/gnome-keyring-daemon here: keychain tests will be skipped.',
    );
  }
}

// 2. PostgreSQL (test/support/throwaway-postgres.mjs).
let stopPostgres = () => {};
if (!process.env.MESH_TEST_POSTGRES_URL && process.env.MESH_TEST_NO_POSTGRES !== '1') {
  const postgres = startThrowawayPostgres();
  if ('url' in postgres) {
    process.env.MESH_TEST_POSTGRES_URL = postgres.url;
    stopPostgres = () => postgres.stop();
  } else if (findPostgresBin() === undefined) {
    if (strict) {
      console.error('test: PostgreSQL is needed (apt-get install postgresql).');
      process.exit(1);
    }
    console.error('test: no PostgreSQL here: PostgreSQL tests will be skipped.');
  } else {
    console.error(`test: ${postgres.skipped}`);
    if (strict) process.exit(1);
  }
}

// 3. Vitest, with a JSON report for the closing line.
mkdirSync(join(root, 'test-results'), { recursive: true });
const report = join(root, 'test-results', 'vitest.json');
rmSync(report, { force: true });
const vitest = spawn(
  process.execPath,
  [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...args,
  ],
  { stdio: 'inherit', cwd: root, env: process.env },
);
const code = await new Promise((resolve) => vitest.on('exit', (c, s) => resolve(s ? 1 : (c ?? 1))));
stopPostgres();

let passed = 0,
  failed = 0,
  skipped = 0;
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed = summary.numPassedTests ?? 0;
  failed = summary.numFailedTests ?? 0;
  skipped = (summary.numPendingTests ?? 0) + (summary.numTodoTests ?? 0);
} else {
  failed = 1;
}
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
