import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the real bin in a child process and waits for it to exit. */
function bin(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['electron/cli/bin.mjs', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('electron/cli/bin.mjs', () => {
  it('runs the TypeScript CLI without a build: mesh key nonce', async () => {
    const result = await bin(['key', 'nonce']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^N[A-Z2-7]{3}(-[A-Z2-7]{4}){6}\n$/);
  });

  it('exits with status 2 on a usage error', async () => {
    const result = await bin(['key', 'nonce', '--bits', '3']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^mesh key nonce: --bits must be/);
  });
});
