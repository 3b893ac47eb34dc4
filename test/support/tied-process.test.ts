// test/support/tied-process.mjs: a command started through it goes when the process that
// started it dies (SIGKILL, no cleanup of its own), so no service outlives a crashed worker.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';

const tied = join(import.meta.dirname, 'tied-process.mjs');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('tied-process', () => {
  it('stops the command when its starter is killed', async () => {
    // The starter: a Node process that starts a long-running command through tied-process,
    // prints the command's pid, and waits forever.
    const starter = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
         const child = spawn(process.execPath, [${JSON.stringify(tied)}, process.execPath, '-e',
           'console.log(process.pid); setInterval(() => {}, 1000)'],
           { stdio: ['pipe', 'inherit', 'inherit'], detached: true });
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(createInterface({ input: starter.stdout! }), 'line')) as [string];
    const pid = Number(line);
    expect(alive(pid)).toBe(true);
    starter.kill('SIGKILL');
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
  });
});
