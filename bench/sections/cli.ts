/**
 * The `mesh` CLI's start-up (issue: a CLI that starts at once): whole processes of the `mesh` bin
 * (electron/cli/bin.mjs, running the bundle dist-node/cli) against a bare `node -e 0`, in
 * alternating rounds within one run, judged on the ratio of medians. Targets: `mesh --help`
 * ≤ 2.5×, `mesh hash udf FILE` ≤ 3×, `mesh password get SITE` on an existing home, offline, ≤ 4×.
 * The home keeps its secrets in the OS keychain: the timer runs under dbus-run-session with an
 * unlocked gnome-keyring of its own (a private XDG_DATA_HOME), as test/run.mjs gives the tests;
 * the passphrase file key store was not used because its scrypt (a quarter second by design,
 * electron/core/keystore/file-key-store.ts) would be most of what is measured.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli, buildNodeService } from '../../scripts/build.mjs';
import { CLI_TIMES_PREFIX, type CliTimes } from '../cli/cli-timer';
import { ratio, table, verdict } from '../report';
import type { BenchSection } from '../section';
import { skipped } from '../section';

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repoRoot = path.dirname(benchDir);
const ROUNDS = Number(process.env.MESH_BENCH_CLI_ROUNDS ?? 15);
const TIMEOUT_MS = 300_000;

const TARGETS: Readonly<Record<string, number>> = {
  'mesh --help': 2.5,
  'mesh hash udf FILE': 3,
  'mesh password get SITE --offline': 4,
};

function have(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs the timer (in a keychain session when there can be one) and returns what it measured. */
async function runTimer(): Promise<CliTimes> {
  const timer = path.join(benchDir, 'cli', 'cli-timer.ts');
  const keychain = have('dbus-run-session') && have('gnome-keyring-daemon');
  const keyrings = await mkdtemp(path.join(os.tmpdir(), 'mesh-bench-keyring-'));
  const node = `"${process.execPath}" --import tsx "${timer}" ${ROUNDS}`;
  const child = keychain
    ? spawn(
        'dbus-run-session',
        [
          '--',
          'sh',
          '-c',
          `echo -n mesh-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; MESH_BENCH_KEYCHAIN=1 exec ${node}`,
        ],
        {
          cwd: repoRoot,
          env: { ...process.env, XDG_DATA_HOME: keyrings },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
    : spawn('sh', ['-c', `exec ${node}`], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timeout = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  try {
    await new Promise<void>((resolve) => child.once('close', () => resolve()));
  } finally {
    clearTimeout(timeout);
    await rm(keyrings, { recursive: true, force: true });
  }
  const line = stdout.split('\n').find((text) => text.startsWith(CLI_TIMES_PREFIX));
  if (line === undefined) {
    throw new Error(`the timer said nothing: ${stderr.split('\n').slice(-5).join(' | ')}`);
  }
  return JSON.parse(line.slice(CLI_TIMES_PREFIX.length)) as CliTimes;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const cliSection: BenchSection = {
  name: 'cli',
  title: 'The mesh CLI against a bare node -e 0',
  async run(progress) {
    progress('building dist-node/cli and dist-node/service ...');
    await Promise.all([buildCli(), buildNodeService()]);
    let times: CliTimes;
    try {
      times = await runTimer();
    } catch (error) {
      return [skipped('the mesh CLI', error instanceof Error ? error.message : String(error))];
    }
    const base = median(times.runs['node -e 0'] ?? []);
    const rows = Object.entries(times.runs).map(([name, runs]) => {
      const value = median(runs);
      const target = TARGETS[name];
      return [
        `\`${name}\``,
        value.toFixed(0),
        `${Math.min(...runs).toFixed(0)}–${Math.max(...runs).toFixed(0)}`,
        ratio(value / base),
        target === undefined ? '' : `≤ ${target}×`,
        target === undefined ? '' : verdict(value / base, target, 'at-most'),
      ];
    });
    return [
      `Whole processes started one after the other, ${times.rounds} rounds each alternating the ` +
        'commands (after one warm-up run of each); the ratio is the median wall time over the ' +
        'median of `node -e 0` in the same run. `mesh` is `node electron/cli/bin.mjs` (its ' +
        'staleness check included) running the esbuild bundle dist-node/cli; the home holds one ' +
        `account and one password; key store: ${times.keyStore}.`,
      '',
      ...table(
        ['command', 'median ms', 'range ms', 'ratio to node -e 0', 'target', 'verdict'],
        rows,
      ),
      ...(times.passwordSkipped === undefined
        ? []
        : ['', skipped('`mesh password get SITE --offline`', times.passwordSkipped)]),
    ];
  },
};
