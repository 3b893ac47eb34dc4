// The journeys of the desktop program in Debian's Chromium (docs/architecture.md section 9),
// through the browser harness on the real device core, a real Mesh service on loopback and the real
// OS keychain, each across two devices: the first driven through the UI, the second through the
// core API (MeshDevice) on its own home. One browser and one service for the file; every screen
// is checked with axe-core in light and dark and photographed (support/screen-checks.ts).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshDevice } from '../../electron/core/mesh-device';
import { buildRenderer } from '../../scripts/build.mjs';
import { startService, type TestService } from '../core/harness';
import { wipeHome } from '../support/service-suite';
import { checkScreen, logScreensChecked } from './support/screen-checks';
import { startUiDevice, type UiDevice } from './support/ui-device';

const CHROMIUM = process.env.MESH_TEST_CHROMIUM ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true';
const VIEWPORT = { width: 1100, height: 800 };

describe.skipIf(skip)(
  `journeys in Chromium${skip ? ` (skipped: no Chromium at ${CHROMIUM})` : ''}`,
  () => {
    let rendererDir: string;
    let service: TestService;
    let browser: Browser;
    let ui: UiDevice;
    let page: Page;
    let other: MeshDevice;
    let otherHome: string;
    let address: string;
    const extra: UiDevice[] = [];

    beforeAll(async () => {
      rendererDir = mkdtempSync(join(tmpdir(), 'mesh-journeys-renderer-'));
      [service] = await Promise.all([startService(), buildRenderer({ outDir: rendererDir })]);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      ui = await startUiDevice({ label: 'a', serviceUrl: service.url, rendererDir });
      page = await browser.newPage({ viewport: VIEWPORT });
      otherHome = await mkdtemp(join(tmpdir(), 'mesh-journeys-b-'));
      other = await MeshDevice.open({ home: otherHome, keyStore: { kind: 'keychain' } });
      address = service.address(`alice${Date.now().toString(36)}`);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await other?.close();
      if (otherHome) await wipeHome(otherHome);
      for (const device of [ui, ...extra]) await device?.close();
      await service?.close();
      rmSync(rendererDir, { recursive: true, force: true });
      logScreensChecked();
    });

    const nav = (name: string) =>
      page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name });
    const heading = (name: string) => page.getByRole('heading', { level: 1, name });

    it('creates a profile in the UI, the account name checked as it is typed', async () => {
      await page.goto(ui.harness.url);
      await heading('Set up this device').waitFor();
      await checkScreen(page, 'onboarding');
      await page.getByRole('button', { name: 'Create a master profile' }).click();
      const name = page.getByLabel('Account name');
      await name.fill('bad name!');
      await page.getByText('These characters are not allowed').waitFor();
      expect(await name.getAttribute('aria-invalid')).toBe('true');
      await name.fill(address);
      await page.getByText(`Your account will be ${address}.`).waitFor();
      await checkScreen(page, 'onboarding-create');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await heading('Passwords').waitFor({ timeout: 30_000 });
      await nav('Master profile').click();
      await page.getByTestId('account-address').getByText(address).waitFor();
      await checkScreen(page, 'profile');
    });

    it('shows a second device asking to connect within 1 s, with the same witness; approve', async () => {
      await nav('Approvals').click();
      await heading('Approvals').waitFor();
      await page.getByText('No device is waiting').waitFor();
      const request = await other.connect.request({ address, deviceName: 'Laptop B' });
      const asked = performance.now();
      const shown = page.getByTestId('pending-request').filter({ hasText: 'Laptop B' });
      await shown.waitFor({ timeout: 5_000 });
      const elapsed = performance.now() - asked;
      console.log(`approval shown ${elapsed.toFixed(0)} ms after the request`);
      expect(elapsed).toBeLessThan(1_000);
      const witness = await shown.locator('.witness-code').textContent();
      expect(witness?.replace(/\s/g, '')).toBe(request.witness.replace(/-/g, ''));
      await page.getByTestId('approvals-badge').waitFor();
      await checkScreen(page, 'approvals');
      // Member unless the person chooses: the new device gets no administration keys.
      expect(await shown.getByRole('radio', { name: /^Member/ }).isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Approve Laptop B' }).click();
      await page.getByText('Laptop B is now connected.').waitFor();
      const outcome = await other.connect.complete({ waitSeconds: 20 });
      expect(outcome.state).toBe('connected');
    });

    it('adds a password in the UI that the other device reads, and the reverse', async () => {
      await nav('Passwords').click();
      await page.getByText('No passwords yet').waitFor();
      await checkScreen(page, 'passwords-empty');
      await page.getByRole('button', { name: 'Add a password' }).click();
      await page.getByLabel('Title').fill('Example bank');
      await page.getByLabel('Site').fill('https://bank.example');
      await page.getByLabel('Username').fill('alice');
      await page.getByRole('button', { name: 'Generate a password' }).click();
      await page.getByTestId('generated-password').filter({ hasNotText: '…' }).waitFor();
      await checkScreen(page, 'password-generator');
      await page.getByRole('button', { name: 'Use this password' }).click();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('password-detail').getByText('Example bank').waitFor();
      await checkScreen(page, 'password-detail');

      // The program syncs after each change; the other device reads it at its next sync
      // (synced again until it arrives: each round is one exchange with the service).
      let seen = await other.passwords.list();
      for (let round = 0; round < 30 && !seen.some((e) => e.title === 'Example bank'); round++) {
        await other.account.sync();
        seen = await other.passwords.list();
      }
      expect(seen.map((entry) => entry.title)).toContain('Example bank');

      await other.passwords.add({
        title: 'Mail from B',
        sites: ['mail.example'],
        username: 'bob',
        password: 'from-b-123',
      });
      await other.account.sync();
      // The program syncs when its window gets the focus.
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await page.getByRole('option', { name: /Mail from B/ }).waitFor({ timeout: 20_000 });
      await page.getByRole('searchbox', { name: 'Search passwords' }).fill('mail from');
      expect(await page.getByTestId('password-count').textContent()).toBe('1 found');
      await page.getByRole('option', { name: /Mail from B/ }).click();
      await page.getByRole('button', { name: 'Copy password' }).click();
      await page.getByText('Password copied; the clipboard is cleared in').waitFor();
      expect(ui.electron.module.clipboard.readText()).toBe('from-b-123');
      await page.getByRole('searchbox', { name: 'Search passwords' }).fill('');
    });

    it('imports a CSV file and shows the report', async () => {
      const csv = [
        'name,url,username,password',
        'Shop,https://shop.example,carol,pw-shop-1',
        'News,https://news.example,dave,pw-news-2',
        ',,,',
      ].join('\n');
      await page.getByLabel('CSV file', { exact: true }).setInputFiles({
        name: 'chrome.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 30_000 });
      expect(await report.textContent()).toMatch(/2 added/);
      await checkScreen(page, 'passwords-import');
    });

    it("shows each device's role, promotes one, and removes it after a confirmation", async () => {
      await nav('Devices').click();
      const row = page.getByTestId('device-row').filter({ hasText: 'Laptop B' });
      await row.getByText('Member', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Make Laptop B an administrator' }).click();
      await page.getByText('Laptop B is now an administrator.').waitFor({ timeout: 30_000 });
      await row.getByText('Administrator', { exact: true }).waitFor();
      expect((await other.devices.list()).find((d) => d.thisDevice)?.role).toBe('administrator');
      await checkScreen(page, 'devices');
      await page.getByRole('button', { name: 'Remove Laptop B' }).click();
      const dialog = page.getByRole('alertdialog');
      expect(await dialog.textContent()).toMatch(/keys .* rotated/);
      await checkScreen(page, 'devices-remove');
      await dialog.getByRole('button', { name: 'Remove it' }).click();
      await page.getByText('Laptop B was removed.').waitFor({ timeout: 30_000 });
      // The list is read again after the removal (it keeps the old rows until the reply).
      await row.waitFor({ state: 'detached', timeout: 30_000 });
      expect(await page.getByTestId('device-row').filter({ hasText: 'Laptop B' }).count()).toBe(0);
    });

    it('makes escrow shares, checked back, and recovers on a fresh home through the UI', async () => {
      await nav('Master profile').click();
      await page.getByRole('button', { name: 'Make shares' }).click();
      const shares = await page.getByTestId('share').allTextContents();
      expect(shares).toHaveLength(3);
      await checkScreen(page, 'profile-shares');
      const asked = await page.getByText(/type share \d/).textContent();
      const index = Number(/share (\d)/.exec(asked ?? '')?.[1]) - 1;
      await page.getByLabel(/type share/).fill('WRONG');
      await page.getByRole('button', { name: 'I copied them' }).click();
      await page.getByText(/That is not share/).waitFor();
      await page.getByLabel(/type share/).fill(shares[index] ?? '');
      await page.getByRole('button', { name: 'I copied them' }).click();
      await page.getByText('Shares checked. Keep them safe.').waitFor();

      const fresh = await startUiDevice({ label: 'c', serviceUrl: service.url, rendererDir });
      extra.push(fresh);
      const second = await browser.newPage({ viewport: VIEWPORT });
      await second.goto(fresh.harness.url);
      await second.getByRole('button', { name: 'Recover from escrow shares' }).click();
      await second.getByLabel('Your account').fill(address);
      const fields = second.getByLabel(/^Share \d$/);
      await fields.nth(0).fill(`${(shares[0] ?? '').slice(0, -2)}ZZ`);
      await second
        .getByText(/not valid|wrong|mistyped|check/i)
        .first()
        .waitFor();
      await fields.nth(0).fill(shares[0] ?? '');
      await fields.nth(1).fill(shares[1] ?? '');
      await second.getByText('This share is valid.').nth(1).waitFor();
      await checkScreen(second, 'onboarding-recover');
      await second.getByRole('button', { name: 'Recover', exact: true }).click();
      await second.getByRole('heading', { level: 1, name: 'Passwords' }).waitFor({
        timeout: 60_000,
      });
      await second.close();
    });

    it('locks, holding no entries, and unlocks through the keychain', async () => {
      await nav('Passwords').click();
      await page.getByRole('option', { name: /Example bank/ }).waitFor();
      await page.getByRole('button', { name: 'Lock', exact: true }).click();
      await heading('Mesh Desktop is locked').waitFor();
      expect(await page.getByText('Example bank').count()).toBe(0);
      await checkScreen(page, 'locked');
      // The main process locks on sleep too.
      await page.getByRole('button', { name: 'Unlock' }).click();
      await heading('Passwords').waitFor();
      await page.getByRole('option', { name: /Example bank/ }).waitFor();
      ui.electron.module.powerMonitor.emit('suspend');
      await heading('Mesh Desktop is locked').waitFor();
      await page.getByRole('button', { name: 'Unlock' }).click();
      await heading('Passwords').waitFor();
    });

    it('shows the other screens with true states', async () => {
      for (const [label, title, name] of [
        ['Trust', 'Trust', 'trust'],
        ['Activity', 'Activity', 'activity'],
        ['Network', 'Network settings', 'network'],
        ['Mail', 'Mail', 'mail'],
        ['Settings', 'Settings', 'settings'],
        ['About this device', 'About this device', 'about'],
      ] as const) {
        await nav(label).click();
        await heading(title).waitFor();
        await page
          .getByRole('status')
          .filter({ hasText: /^Reading/ })
          .waitFor({ state: 'detached' });
        await checkScreen(page, name);
      }
    }, 180_000);
  },
);
