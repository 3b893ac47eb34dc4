/**
 * The CLI flow tests' parts: the real service as a child process (`npm run service`), and `mesh`
 * run in-process against a device home with output that can be read while a command still runs
 * (for `mesh device complete --wait` and `mesh account pin --wait`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CliIo } from '../../electron/cli/io';
import { run } from '../../electron/cli/run';

const root = join(import.meta.dirname, '..', '..');

/** The service child process and its address. */
export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  address(name: string): string;
  stop(): Promise<void>;
}

/**
 * Start `npm run service -- --port 0 --data DIR` and read its first line for the URL. The
 * service runs under test/support/tied-process.mjs: when this test worker ends in any way
 * (failure, crash, kill), its pipe closes and the service's process group is stopped.
 */
export async function startServiceProcess(): Promise<ServiceProcess> {
  const data = await mkdtemp(join(tmpdir(), 'mesh-cli-service-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(root, 'test', 'support', 'tied-process.mjs'),
      'npm',
      'run',
      '--silent',
      'service',
      '--',
      '--port',
      '0',
      '--data',
      data,
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    lines.once('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
      else reject(new Error(`unexpected first line from the service: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${code}): ${errors}`)));
  });
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    address: (name) => `${name}@127.0.0.1:${port}`,
    async stop() {
      // The whole process group: npm, its shell and the service.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
      await rm(data, { recursive: true, force: true });
    },
  };
}

/** A `mesh` run in progress: its output so far, and its exit status when done. */
export interface MeshRun {
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds a line matching `pattern` (or rejects when the run ends first). */
  line(pattern: RegExp): Promise<RegExpExecArray>;
  readonly status: Promise<number>;
}

/** Run `mesh` in-process with `home` as MESH_HOME (stdin empty, stderr a terminal if asked). */
export function meshRun(
  home: string,
  argv: readonly string[],
  options: { stderrIsTTY?: boolean; stdin?: string } = {},
): MeshRun {
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  const wake = (): void => waiters.splice(0).forEach((waiter) => waiter());
  const io: CliIo = {
    stdout: (text) => {
      out += text;
      wake();
    },
    stderr: (text) => {
      err += text;
    },
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: { MESH_HOME: home },
    cwd: root,
    stdin: {
      isTTY: options.stdin === undefined,
      read: async () => new TextEncoder().encode(options.stdin ?? ''),
    },
  };
  let done = false;
  const status = run([...argv], io).finally(() => {
    done = true;
    wake();
  });
  return {
    stdout: () => out,
    stderr: () => err,
    status,
    line(pattern) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(out);
          if (match) resolve(match);
          else if (done) reject(new Error(`mesh ended without ${pattern}: ${out}${err}`));
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** Run `mesh` to the end: status, stdout, stderr. */
export async function mesh(
  home: string,
  argv: readonly string[],
  options: { stderrIsTTY?: boolean; stdin?: string } = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const running = meshRun(home, argv, options);
  const status = await running.status;
  return { status, stdout: running.stdout(), stderr: running.stderr() };
}
