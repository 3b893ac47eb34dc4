// `npm run dev:browser` on the real core (test/e2e/harness/dev-browser.ts): a device home in a
// temporary folder with its secrets in the real keychain, a real service on loopback named by
// MESH_SERVICE_URL. The bridge answers only a page from its origin that carries the run's token.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../../scripts/build.mjs';
import { startService, type TestService } from '../core/harness';
import { wipeHome } from '../support/service-suite';
import { startDevBrowser, type DevBrowser } from './harness/dev-browser';

let service: TestService;
let dev: DevBrowser;
let home: string;
let userData: string;

beforeAll(async () => {
  service = await startService();
  home = await mkdtemp(join(tmpdir(), 'mesh-dev-browser-home-'));
  userData = await mkdtemp(join(tmpdir(), 'mesh-dev-browser-data-'));
  dev = await startDevBrowser({
    root,
    env: { ...process.env, MESH_HOME: home, MESH_SERVICE_URL: service.url },
    port: 0,
    userData,
    warn: () => {},
  });
});

afterAll(async () => {
  await dev?.close();
  await service?.close();
  await wipeHome(home);
  await rm(userData, { recursive: true, force: true });
});

function invoke(token: string | null, origin: string) {
  const base = dev.harness.url.split('#')[0] as string;
  return fetch(new URL('__mesh/invoke', base), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Origin: origin,
      ...(token === null ? {} : { 'X-Mesh-Token': token }),
    },
    body: JSON.stringify({ method: 'account.status' }),
  });
}

describe('dev:browser', () => {
  it('listens on loopback and prints a URL with a random token in its fragment', () => {
    const url = new URL(dev.harness.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.hash).toMatch(/^#token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers the page that carries the token with the real core, and refuses the others', async () => {
    const url = new URL(dev.harness.url);
    const token = url.hash.slice('#token='.length);
    const ok = await invoke(token, url.origin);
    expect(await ok.json()).toMatchObject({ ok: true, value: { state: 'unconnected' } });
    expect((await invoke(null, url.origin)).status).toBe(403);
    expect((await invoke(`${token.slice(1)}x`, url.origin)).status).toBe(403);
    expect((await invoke(token, 'http://evil.example')).status).toBe(403);
    const events = await fetch(new URL('__mesh/events?token=wrong', url.origin));
    expect(events.status).toBe(403);
  });

  it('uses the service MESH_SERVICE_URL names', () => {
    expect(dev.started.service.status()).toMatchObject({
      state: 'ready',
      location: { kind: 'configured', url: new URL(service.url).toString() },
    });
  });
});
