/**
 * A service in a child process, as `npm run service` runs it (service/main.ts through tsx): for
 * the kill-and-restart and several-processes tests.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A running service process. */
export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

const MAIN = join(process.cwd(), 'service', 'main.ts');

/** Start `service/main.ts` with `args`; resolves once it prints its listening line. */
export function spawnService(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    let firstLine: string | undefined;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => (output += text));
    child.stdout?.on('data', (text: string) => {
      output += text;
      if (firstLine === undefined && output.includes('\n')) {
        firstLine = output.slice(0, output.indexOf('\n'));
        const match = /listening on (https?:\/\/\S+)/.exec(firstLine);
        if (match?.[1] === undefined) reject(new Error(`unexpected first line: ${firstLine}`));
        else resolve({ url: match[1], child, exited, output: () => output });
      }
    });
    void exited.then((code) => {
      if (firstLine === undefined)
        reject(new Error(`service exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Stop a service process with `signal` and wait for it to end. */
export async function stopService(
  service: ServiceProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | string> {
  if (service.child.exitCode === null && service.child.signalCode === null)
    service.child.kill(signal);
  return service.exited;
}
