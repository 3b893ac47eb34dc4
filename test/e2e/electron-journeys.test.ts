// The main journeys of the desktop program in a real Electron through Playwright's
// `_electron.launch` (docs/architecture.md section 9): the built main process, its own device
// host and IPC, on a fresh device home (MESH_HOME) and settings folder (XDG_CONFIG_HOME, where
// Electron keeps userData on Linux), a real Mesh service on loopback (MESH_SERVICE_URL) and the
// real OS keychain; the second device is the core API (MeshDevice) on a home of its own. The same
// journeys run in Chromium through the browser harness (test/renderer/journeys.browser.test.ts);
// here they prove the Electron glue: preload, IPC, the pending watch, the power monitor. Skipped,
// saying why, where there is no Electron binary (electron-launch.ts).
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshDevice } from '../../electron/core/mesh-device';
import { root } from '../../scripts/build.mjs';
import { keychainInSession } from '../core/keystore/keychain-session';
import { startService, type TestService } from '../core/harness';
import { wipeHome } from '../support/service-suite';
import {
  electronBinary,
  electronSkipReason,
  launchDesktop,
  type LaunchedDesktop,
} from './electron-launch';

const screens = join(root, 'test-results', 'electron');
const runs = electronBinary.found && keychainInSession;
const why = !electronBinary.found
  ? ` (skipped: ${electronSkipReason})`
  : keychainInSession
    ? ''
    : ' (skipped: no OS keychain in this session; run through node test/run.mjs)';

describe.skipIf(!runs)(`the main journeys in Electron${why}`, () => {
  let service: TestService;
  let desktop: LaunchedDesktop;
  let page: Page;
  let home: string;
  let settings: string;
  let otherHome: string;
  let other: MeshDevice;
  let address: string;

  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name });
  const heading = (name: string) => page.getByRole('heading', { level: 1, name });
  const shot = (name: string) => page.screenshot({ path: join(screens, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    service = await startService();
    home = await mkdtemp(join(tmpdir(), 'mesh-electron-home-'));
    settings = await mkdtemp(join(tmpdir(), 'mesh-electron-config-'));
    desktop = await launchDesktop({
      MESH_HOME: home,
      MESH_SERVICE_URL: service.url,
      XDG_CONFIG_HOME: settings,
    });
    page = await desktop.app.firstWindow();
    otherHome = await mkdtemp(join(tmpdir(), 'mesh-electron-b-'));
    other = await MeshDevice.open({ home: otherHome, keyStore: { kind: 'keychain' } });
    address = service.address(`electron${Date.now().toString(36)}`);
  }, 180_000);

  afterAll(async () => {
    await desktop?.close();
    await other?.close();
    // The program's home is closed with the program; its keychain entries go with it.
    if (home) await wipeHome(home);
    if (otherHome) await wipeHome(otherHome);
    if (settings) await rm(settings, { recursive: true, force: true });
    await service?.close();
  });

  it('creates a profile', async () => {
    await heading('Set up this device').waitFor();
    await page.getByRole('button', { name: 'Create a master profile' }).click();
    await page.getByLabel('Account name').fill(address);
    await page.getByText(`Your account will be ${address}.`).waitFor();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await heading('Passwords').waitFor({ timeout: 60_000 });
    await nav('Master profile').click();
    await page.getByTestId('account-address').getByText(address).waitFor();
    await shot('profile');
  }, 90_000);

  it('shows a second device asking to connect within 1 s, with its witness; approve', async () => {
    await nav('Approvals').click();
    await page.getByText('No device is waiting').waitFor();
    const request = await other.connect.request({ address, deviceName: 'Laptop B' });
    const asked = performance.now();
    const shown = page.getByTestId('pending-request').filter({ hasText: 'Laptop B' });
    await shown.waitFor({ timeout: 5_000 });
    expect(performance.now() - asked).toBeLessThan(1_000);
    const witness = await shown.locator('.witness-code').textContent();
    expect(witness?.replace(/\s/g, '')).toBe(request.witness.replace(/-/g, ''));
    await shot('approvals');
    await page.getByRole('button', { name: 'Approve Laptop B' }).click();
    await page.getByText('Laptop B is now connected.').waitFor({ timeout: 30_000 });
    expect((await other.connect.complete({ waitSeconds: 20 })).state).toBe('connected');
  }, 60_000);

  it('adds a password that the other device reads', async () => {
    await nav('Passwords').click();
    await page.getByRole('button', { name: 'Add a password' }).click();
    await page.getByLabel('Title').fill('Electron bank');
    await page.getByLabel('Site').fill('https://bank.example');
    await page.getByLabel('Username').fill('alice');
    await page.getByRole('button', { name: 'Generate a password' }).click();
    await page.getByTestId('generated-password').filter({ hasNotText: '…' }).waitFor();
    await page.getByRole('button', { name: 'Use this password' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('password-detail').getByText('Electron bank').waitFor();
    await shot('password-detail');
    // The program syncs after each change; each round here is one exchange with the service.
    let seen = await other.passwords.list();
    for (let round = 0; round < 30 && !seen.some((e) => e.title === 'Electron bank'); round++) {
      await other.account.sync();
      seen = await other.passwords.list();
    }
    expect(seen.map((entry) => entry.title)).toContain('Electron bank');
  }, 60_000);

  it('locks, holding no entries, and unlocks through the keychain; locks on system suspend', async () => {
    await page.getByRole('option', { name: /Electron bank/ }).waitFor();
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await heading('Mesh Desktop is locked').waitFor();
    expect(await page.getByText('Electron bank').count()).toBe(0);
    await shot('locked');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await heading('Passwords').waitFor();
    await page.getByRole('option', { name: /Electron bank/ }).waitFor();
    // What Electron's powerMonitor emits when the system goes to sleep.
    await desktop.app.evaluate(({ powerMonitor }) => powerMonitor.emit('suspend'));
    await heading('Mesh Desktop is locked').waitFor();
    await page.getByRole('button', { name: 'Unlock' }).click();
    await heading('Passwords').waitFor();
  }, 60_000);
});
