/**
 * Child processes of the bench (servers and the load generator): started with tsx, awaited on
 * their output rather than slept on, bounded by timeouts, and always stopped, also when the
 * bench itself is interrupted.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { MeshError } from '../../shared/errors';

const running = new Set<ChildProcessWithoutNullStreams>();

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** A started child: its process, and the last lines it wrote (for a skip reason). */
export interface BenchChild {
  readonly process: ChildProcessWithoutNullStreams;
  /** The last few lines of stdout and stderr, newest last. */
  tail(): string;
}

/**
 * Start `node [...nodeArgs] --import tsx <script> ...args` in `cwd` (`nodeArgs`: Node's own
 * options, such as `--cpu-prof`, which NODE_OPTIONS does not accept).
 */
export function startTypeScript(
  script: string,
  args: readonly string[],
  cwd: string,
  nodeArgs: readonly string[] = [],
): BenchChild {
  return startNode(script, args, cwd, [...nodeArgs, '--import', 'tsx']);
}

/** Start `node [...nodeArgs] <script> ...args` in `cwd`: JavaScript, no TypeScript loader. */
export function startNode(
  script: string,
  args: readonly string[],
  cwd: string,
  nodeArgs: readonly string[] = [],
): BenchChild {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim().length > 0) lines.push(line.trim());
    }
    if (lines.length > 20) lines.splice(0, lines.length - 20);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { process: child, tail: () => lines.slice(-5).join(' | ') };
}

/**
 * Wait for the first stdout line matching `pattern`, within `timeoutMs`. Rejects with
 * MeshError('TIMEOUT') or, if the child exits first, MeshError('SERVICE_ERROR') with its output.
 */
export function waitForLine(
  child: BenchChild,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (action: () => void) => {
      clearTimeout(timer);
      child.process.stdout.off('data', onData);
      child.process.off('exit', onExit);
      action();
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const match = pattern.exec(line);
        if (match) return finish(() => resolve(match));
        newline = buffered.indexOf('\n');
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(() =>
        reject(
          new MeshError(
            'SERVICE_ERROR',
            `exited (${signal ?? `code ${code}`}) before printing the expected line: ${child.tail() || 'no output'}`,
          ),
        ),
      );
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new MeshError(
              'TIMEOUT',
              `no expected line within ${timeoutMs / 1000} s: ${child.tail() || 'no output'}`,
            ),
          ),
        ),
      timeoutMs,
    );
    child.process.stdout.on('data', onData);
    child.process.once('exit', onExit);
  });
}

/** Stop a child: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: BenchChild, graceMs = 5000): Promise<void> {
  const { process: proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
