// The desktop program's own namespaces (settings, session, clipboard) on the recording fake of
// `electron` for the clipboard and the power monitor, a real settings file in a temporary
// folder, and a real Mesh service on loopback for the health check.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopApp, type DesktopApp } from '../../electron/app/desktop-app';
import { DESKTOP_SETTINGS_FILE } from '../../electron/app/desktop-settings';
import { MeshError } from '../../shared/errors';
import { desktopSettingsSchema, lockStateSchema } from '../../shared/ipc/desktop';
import type { LockStateView } from '../../shared/ipc/desktop';
import { startService, type TestService } from '../core/harness';
import { createFakeElectron } from './fake-electron';

let service: TestService;
const folders: string[] = [];
const apps: DesktopApp[] = [];

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.close();
});
afterEach(async () => {
  for (const app of apps.splice(0)) app.close();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function openApp(keychain: { answers: boolean } = { answers: true }) {
  const fake = createFakeElectron();
  const userData = await mkdtemp(join(tmpdir(), 'mesh-desktop-app-'));
  folders.push(userData);
  const changes: LockStateView[] = [];
  const app = await createDesktopApp({
    userData,
    clipboard: fake.module.clipboard,
    powerMonitor: fake.module.powerMonitor,
    checkKeychain: async () => {
      if (!keychain.answers) throw new MeshError('KEYCHAIN_UNAVAILABLE', 'locked');
    },
    onLockChange: (state) => changes.push(state),
    serviceUrl: async () => service.url,
    healthTimeoutMs: 2_000,
  });
  apps.push(app);
  return { app, fake, userData, changes };
}

describe('settings', () => {
  it('starts from the defaults and keeps a change in desktop-settings.json', async () => {
    const { app, userData } = await openApp();
    expect(desktopSettingsSchema.parse(await app.settings.get())).toEqual({
      lockAfterIdleMinutes: 5,
      lockOnSleep: true,
      clipboardSeconds: 30,
      service: { kind: 'embedded' },
    });
    const changed = await app.settings.update({
      clipboardSeconds: 12,
      service: { kind: 'configured', url: 'https://mesh.example.com/' },
    });
    expect(changed.clipboardSeconds).toBe(12);
    expect(changed.service).toEqual({ kind: 'configured', url: 'https://mesh.example.com/' });
    const file = JSON.parse(await readFile(join(userData, DESKTOP_SETTINGS_FILE), 'utf8')) as {
      serviceUrl?: string;
    };
    expect(file.serviceUrl).toBe('https://mesh.example.com/');
    const back = await app.settings.update({ service: { kind: 'embedded' } });
    expect(back.service).toEqual({ kind: 'embedded' });
  });

  it('says whether the service answers, and names why not', async () => {
    const { app } = await openApp();
    const up = await app.settings.checkService({});
    expect(up.reachable).toBe(true);
    expect(up.latencyMs).toBeGreaterThanOrEqual(0);
    // A port nothing listens on: the service's own, once closed, would race; use port 9 on loopback.
    const down = await app.settings.checkService({ url: 'http://127.0.0.1:9' });
    expect(down).toMatchObject({ reachable: false, latencyMs: null });
    expect(['NETWORK', 'TIMEOUT']).toContain(down.code);
  });
});

describe('session', () => {
  it('locks on sleep and when asked, and unlocks only through the keychain', async () => {
    const keychain = { answers: false };
    const { app, fake, changes } = await openApp(keychain);
    expect(lockStateSchema.parse(await app.session.state())).toEqual({
      locked: false,
      reason: null,
    });
    fake.module.powerMonitor.emit('suspend');
    expect(await app.session.state()).toEqual({ locked: true, reason: 'suspend' });
    await expect(app.session.unlock()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    keychain.answers = true;
    expect(await app.session.unlock()).toEqual({ locked: false, reason: null });
    expect(await app.session.lock()).toEqual({ locked: true, reason: 'user' });
    expect(changes.map((c) => c.reason)).toEqual(['suspend', null, 'user']);
  });
});

describe('clipboard', () => {
  it('copies with the set time and clears at close', async () => {
    const { app, fake } = await openApp();
    await app.settings.update({ clipboardSeconds: 10 });
    const before = Date.now();
    const { clearsAt } = await app.clipboard.copy({ text: 'correct horse' });
    expect(fake.module.clipboard.readText()).toBe('correct horse');
    expect(Date.parse(clearsAt) - before).toBeGreaterThanOrEqual(9_900);
    app.close();
    expect(fake.module.clipboard.readText()).toBe('');
  });
});
