import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNodeBundleStale, nodeDistDir } from '../../scripts/build.mjs';

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

const entry = join(nodeDistDir, 'cli', 'main.mjs');

describe('electron/cli/bin.mjs', () => {
  it('builds the bundle when needed and runs it: mesh key nonce', async () => {
    const result = await bin(['key', 'nonce']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^N[A-Z2-7]{3}(-[A-Z2-7]{4}){6}\n$/);
    expect(existsSync(entry)).toBe(true);
    expect(isNodeBundleStale(entry)).toBe(false);
  });

  it('rebuilds the bundle when one of its sources is newer', async () => {
    await bin(['--help']);
    const sources = JSON.parse(readFileSync(`${entry}.sources.json`, 'utf8')) as string[];
    expect(sources).toContain('electron/cli/run.ts');
    // The bundle made older than its sources, as after an edit (the sources stay untouched).
    const past = new Date(statSync(join(root, 'electron/cli/run.ts')).mtimeMs - 60_000);
    utimesSync(entry, past, past);
    expect(isNodeBundleStale(entry)).toBe(true);
    const result = await bin(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: mesh/);
    expect(isNodeBundleStale(entry)).toBe(false);
  });

  it('keeps the command line light: mesh --help loads neither zod nor the core', () => {
    const main = readFileSync(entry, 'utf8');
    expect(main).not.toMatch(/ZodType|class MeshDevice|better-sqlite3/);
  });

  it('exits with status 2 on a usage error', async () => {
    const result = await bin(['key', 'nonce', '--bits', '3']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^mesh key nonce: --bits must be/);
  });
});
