// The app:// handler (Electron security checklist 18) against a real folder: it serves only
// files under the renderer root, with the security headers, and refuses every way out.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, isAppUrl, safeSegments } from '../../electron/app/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/app/content-security-policy';

describe('app:// protocol handler', () => {
  let base: string;
  let serve: (request: Request) => Promise<Response>;
  const get = (url: string) => serve(new Request(url));

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'mesh-protocol-'));
    const root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Mesh</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'blob.bin'), 'bytes');
    writeFileSync(join(base, 'secret.txt'), 'SECRET OUTSIDE THE ROOT');
    symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
    serve = createAppProtocolHandler(root);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves index.html for / and by name, with the CSP, nosniff and its content type', async () => {
    for (const url of ['app://mesh/', 'app://mesh/index.html', 'app://mesh/index.html?x=1#top']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Mesh</title>');
    }
  });

  it('serves assets with their types, unknown ones as octet-stream', async () => {
    const script = await get('app://mesh/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    const blob = await get('app://mesh/assets/blob.bin');
    expect(blob.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('refuses every path out of the root, and says nothing of what is there', async () => {
    const escapes = [
      'app://mesh/..%2Fsecret.txt',
      'app://mesh/assets/..%2F..%2Fsecret.txt',
      'app://mesh/%2e%2e/secret.txt',
      'app://mesh/..%5Csecret.txt',
      'app://mesh/assets%5C..%5C..%5Csecret.txt',
      'app://mesh/%2Fetc%2Fpasswd',
      'app://mesh/C:%5Cwindows%5Cwin.ini',
      'app://mesh/assets/link.txt',
      'app://mesh/index.html%00.js',
      'app://mesh/%E0%A4%A',
      'app://mesh/assets',
      'app://mesh/assets/',
      'app://mesh/missing.js',
    ];
    for (const url of escapes) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('SECRET');
    }
  });

  it('answers only app://mesh and only GET and HEAD', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('https://mesh/index.html')).status).toBe(404);
    expect(
      (await serve(new Request('app://mesh/index.html', { method: 'POST', body: 'x' }))).status,
    ).toBe(405);
    const head = await serve(new Request('app://mesh/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('splits paths into safe segments only', () => {
    expect(safeSegments('/assets/app.js')).toEqual(['assets', 'app.js']);
    expect(safeSegments('/a%20b.js')).toEqual(['a b.js']);
    expect(safeSegments('/a/../b')).toBeNull();
    expect(safeSegments('/a//b')).toBeNull();
    expect(safeSegments('/a%2Fb')).toBeNull();
  });

  it('recognises only app://mesh URLs as ours', () => {
    expect(isAppUrl('app://mesh/index.html')).toBe(true);
    expect(isAppUrl('app://mesh.evil/index.html')).toBe(false);
    expect(isAppUrl('https://mesh/index.html')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});
