import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mesh } from './captured-io';

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'mesh-cli-hash-'));
  writeFileSync(join(directory, 'hello.txt'), 'Hello World');
  writeFileSync(join(directory, 'empty'), '');
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Expected values: the Python-computed known answers of test/shared/udf.test.ts (same inputs).
describe('mesh hash udf', () => {
  it('prints the UDF of a file with a content type', async () => {
    const result = await mesh([
      'hash',
      'udf',
      join(directory, 'hello.txt'),
      '--type',
      'text/plain',
    ]);
    expect(result).toEqual({
      status: 0,
      stdout: 'MCYB-W67L-FAGM-YQGR-JJ6M-5ZYC-KGWR\n',
      stderr: '',
    });
  });

  it('defaults to application/octet-stream and resolves FILE from the working directory', async () => {
    const result = await mesh(['hash', 'udf', 'empty'], { cwd: directory });
    expect(result.stdout).toBe('MDAR-5XR6-HEGL-J62A-3QHT-7VUK-HBPQ\n');
  });

  it('takes --bits and --sha3, and reads standard input for -', async () => {
    const short = await mesh(
      ['hash', 'udf', 'hello.txt', '--type', 'text/plain', '--bits', '100'],
      { cwd: directory },
    );
    expect(short.stdout).toBe('MCYB-W67L-FAGM-YQGR-JJ6M\n');
    const sha3 = await mesh(['hash', 'udf', '-', '--type', 'text/plain', '--sha3'], {
      stdin: 'Hello World',
    });
    expect(sha3.stdout).toBe('KA6O-DFCF-A6WK-7ZES-MI7M-W5SC-7A5R\n');
  });

  it('prints JSON with --json', async () => {
    const result = await mesh(
      ['--json', 'hash', 'udf', 'hello.txt', '--type', 'text/plain', '--bits', '200'],
      { cwd: directory },
    );
    expect(JSON.parse(result.stdout)).toEqual({
      udf: 'MCYB-W67L-FAGM-YQGR-JJ6M-5ZYC-KGWR-VJIW-S64J-UEEF',
      contentType: 'text/plain',
      algorithm: 'sha2-512',
      bits: 200,
    });
  });

  it.each([
    {
      argv: ['hash', 'udf', 'hello.txt', '--bits', '130'],
      status: 2,
      says: /--bits must be a multiple of 20 from 100 to 520/,
    },
    { argv: ['hash', 'udf', 'hello.txt', '--bits', '540'], status: 2, says: /--bits must be/ },
    {
      argv: ['hash', 'udf', 'hello.txt', '--type', ''],
      status: 2,
      says: /--type must not be empty/,
    },
    { argv: ['hash', 'udf', '.'], status: 2, says: /cannot read \. \(EISDIR\)/ },
    {
      argv: ['hash', 'udf', 'missing.txt'],
      status: 1,
      says: /^mesh hash udf: cannot read missing.txt: no such file$/,
    },
  ])('fails for $argv with status $status', async ({ argv, status, says }) => {
    const result = await mesh(argv, { cwd: directory });
    expect(result.status).toBe(status);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd()).toMatch(says);
  });
});
