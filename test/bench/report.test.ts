import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLoopback } from '../../bench/http/load-plan';
import { table, verdict, writeSection } from '../../bench/report';
import { MeshError } from '../../shared/errors';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('bench/RESULTS.md', () => {
  it('replaces one section and keeps the others, in the registry order', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    dirs.push(dir);
    const file = path.join(dir, 'RESULTS.md');
    const order = ['proofs', 'http'];
    writeSection(file, 'http', ['## http', 'first http'], order);
    writeSection(file, 'proofs', ['## proofs', 'first proofs'], order);
    writeSection(file, 'http', ['## http', 'second http'], order);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('first proofs');
    expect(text).toContain('second http');
    expect(text).not.toContain('first http');
    expect(text.indexOf('<!-- bench:proofs -->')).toBeLessThan(text.indexOf('<!-- bench:http -->'));
    expect(text.match(/<!-- bench:http -->/g)).toHaveLength(1);
  });
});

describe('bench formatting', () => {
  it('writes markdown tables', () => {
    expect(table(['a', 'b'], [['1', '2']])).toEqual(['| a | b |', '| --- | --- |', '| 1 | 2 |']);
  });

  it('says by how much a target is missed', () => {
    expect(verdict(0.5, 1, 'at-most')).toBe('met');
    expect(verdict(2, 1, 'at-most')).toBe('**MISSED** (2.00× over)');
    expect(verdict(0.75, 0.7, 'at-least')).toBe('met');
    expect(verdict(0.6, 0.7, 'at-least')).toBe('**MISSED** (0.100 short)');
  });
});

describe('bench traffic', () => {
  it('goes to 127.0.0.1 over plain HTTP only', () => {
    expect(checkLoopback('http://127.0.0.1:8080/.well-known/mmm/').port).toBe('8080');
    for (const url of ['http://localhost:80/', 'http://10.0.0.1/', 'https://127.0.0.1/']) {
      expect(() => checkLoopback(url), url).toThrow(MeshError);
    }
  });
});
