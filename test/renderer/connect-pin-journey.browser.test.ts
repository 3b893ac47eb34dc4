// Connecting a device by a one-time PIN or its mcu:// link (docs/architecture.md section 7,
// "Connect with a PIN or QR code"), in Debian's Chromium through the browser harness on the real
// core, a real Mesh service on loopback and the real OS keychain, in both directions: the UI as
// the administrator that issues the PIN (Approvals) with the `mesh` CLI as the new device, and the
// UI on a fresh home as the new device with the CLI as the administrator (`mesh account pin
// --wait`). No witness is compared: the administrator accepts a request that proves its PIN.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK } from '../../electron/cli/run';
import { mesh, meshRun } from '../cli-flows/cli-harness';
import { startService, type TestService } from '../core/harness';
import { wipeHome } from '../support/service-suite';
import {
  buildRendererForJourneys,
  chromiumSkipReason,
  launchChromium,
  navButton,
  noChromium,
  screenHeading,
  VIEWPORT,
} from './support/journey-browser';
import { checkScreen, logScreensChecked } from './support/screen-checks';
import { startUiDevice, type UiDevice } from './support/ui-device';

const PIN_PATTERN = /^[A-Z2-7]{4}(?:-[A-Z2-7]{4}){4}$/;

describe.skipIf(noChromium)(
  `connecting by PIN, mcu:// link and witness${chromiumSkipReason}`,
  () => {
    let renderer: Awaited<ReturnType<typeof buildRendererForJourneys>>;
    let service: TestService;
    let browser: Browser;
    const uiDevices: UiDevice[] = [];
    const cliHomes: string[] = [];
    const pages: Page[] = [];
    // The UI administrator of the first journey, and its account.
    let adminPage: Page;
    let adminAddress: string;

    const cliHome = async (label: string): Promise<string> => {
      const home = await mkdtemp(join(tmpdir(), `mesh-pin-journey-${label}-`));
      cliHomes.push(home);
      return home;
    };
    const uiDevice = async (label: string): Promise<{ ui: UiDevice; page: Page }> => {
      const ui = await startUiDevice({ label, serviceUrl: service.url, rendererDir: renderer.dir });
      uiDevices.push(ui);
      const page = await browser.newPage({ viewport: VIEWPORT });
      pages.push(page);
      await page.goto(ui.harness.url);
      return { ui, page };
    };

    beforeAll(async () => {
      [service, renderer, browser] = await Promise.all([
        startService(),
        buildRendererForJourneys(),
        launchChromium(),
      ]);
    }, 120_000);

    afterAll(async () => {
      for (const page of pages) await page.close();
      await browser?.close();
      for (const ui of uiDevices) await ui.close();
      for (const home of cliHomes) await wipeHome(home);
      await service?.close();
      renderer?.remove();
      logScreensChecked();
    });

    it('the UI administrator issues a PIN with its QR code and expiry; the CLI device connects with it', async () => {
      const started = performance.now();
      const address = service.address(`pin${Date.now().toString(36)}`);
      const { ui, page } = await uiDevice('admin');
      // The profile is made on the UI's own device (its creation in the UI is journeys.browser).
      await screenHeading(page, 'Set up this device').waitFor();
      await (await ui.host.device()).account.create({ address, deviceName: 'Desktop A' });
      await page.reload();
      await screenHeading(page, 'Passwords').waitFor();

      await navButton(page, 'Approvals').click();
      await page.getByText('No device is waiting').waitFor();
      await page.getByLabel('Valid for (minutes)').fill('5');
      const asked = Date.now();
      await page.getByRole('button', { name: 'Issue a PIN' }).click();
      const issued = page.getByTestId('issued-pin');
      await issued.getByRole('img', { name: /QR code of the connection link/ }).waitFor();
      const pinLabel = await issued.locator('.witness-code').getAttribute('aria-label');
      const pin = (pinLabel ?? '').replace(/^PIN: /, '').replace(/, /g, '-');
      expect(pin).toMatch(PIN_PATTERN);
      const uri = (await issued.locator('.fingerprint').textContent()) ?? '';
      expect(uri).toMatch(/^mcu:\/\//);
      expect(uri).toContain(pin);
      // The expiry shown is the one asked for: five minutes from now.
      const expires = Date.parse((await issued.locator('time').getAttribute('datetime')) ?? '');
      expect(expires - asked).toBeGreaterThan(4 * 60_000);
      expect(expires - asked).toBeLessThan(6 * 60_000);
      await checkScreen(page, 'approvals-pin');

      // The new device, driven by the CLI, asks with the PIN and is accepted without a witness check
      // by the UI device's own pending watcher.
      const phone = await cliHome('phone');
      const request = await mesh(phone, [
        '--json',
        'device',
        'request',
        address,
        '--pin',
        pin,
        '--device-name',
        'Phone B',
      ]);
      expect(request.status, request.stderr).toBe(EXIT_OK);
      expect(JSON.parse(request.stdout)).toMatchObject({ pinVerified: true });
      const complete = await mesh(phone, ['device', 'complete', '--wait', '30']);
      expect(complete.status, complete.stderr).toBe(EXIT_OK);
      expect(complete.stdout).toMatch(/connected/i);
      // Nobody pressed Approve: the request never waited on the Approvals screen for a person.
      expect(await page.getByRole('button', { name: 'Approve Phone B' }).count()).toBe(0);

      await navButton(page, 'Devices').click();
      await page.getByTestId('device-row').filter({ hasText: 'Phone B' }).waitFor();
      const listed = await mesh(phone, ['--json', 'device', 'list']);
      const names = (JSON.parse(listed.stdout) as { devices: { name: string }[] }).devices.map(
        (device) => device.name,
      );
      expect(names.sort()).toEqual(['Desktop A', 'Phone B']);
      adminPage = page;
      adminAddress = address;
      console.log(`UI PIN -> CLI device: ${(performance.now() - started).toFixed(0)} ms`);
    }, 90_000);

    it('the UI on a fresh home connects by the mcu:// link a CLI administrator issued', async () => {
      const started = performance.now();
      const address = service.address(`link${Date.now().toString(36)}`);
      const admin = await cliHome('admin');
      const created = await mesh(admin, [
        'account',
        'create',
        address,
        '--device-name',
        'Laptop C',
      ]);
      expect(created.status, created.stderr).toBe(EXIT_OK);
      const issuing = meshRun(admin, ['account', 'pin', '--expires', '10m', '--wait', '60']);
      const uri = (await issuing.line(/^URI: +(mcu:\/\/\S+)$/m))[1]!;

      const { page } = await uiDevice('newcomer');
      await screenHeading(page, 'Set up this device').waitFor();
      await page.getByRole('button', { name: 'Connect this device' }).click();
      await page.getByLabel('Your account, or the mcu:// link you were given').fill(uri);
      // A link carries its PIN: no PIN field is asked for.
      expect(await page.getByLabel('PIN (if another device gave you one)').count()).toBe(0);
      await page.getByLabel('Name of this device').fill('Tablet D');
      await checkScreen(page, 'onboarding-connect-link');
      await page.getByRole('button', { name: 'Ask to connect' }).click();
      // The CLI administrator accepts the request proving its PIN; the UI finishes connecting.
      expect(await issuing.status, issuing.stderr()).toBe(EXIT_OK);
      expect(issuing.stdout()).toMatch(/Accepted Tablet D \(.*\) with the PIN/);
      await screenHeading(page, 'Passwords').waitFor({ timeout: 30_000 });
      await navButton(page, 'Master profile').click();
      await page.getByTestId('account-address').getByText(address).waitFor();

      const listed = await mesh(admin, ['--json', 'device', 'list']);
      const names = (JSON.parse(listed.stdout) as { devices: { name: string }[] }).devices.map(
        (device) => device.name,
      );
      expect(names.sort()).toEqual(['Laptop C', 'Tablet D']);
      console.log(`CLI link -> UI device: ${(performance.now() - started).toFixed(0)} ms`);
    }, 90_000);

    it('opens the connect step with the link when the program is handed an mcu:// link', async () => {
      const address = service.address(`open${Date.now().toString(36)}`);
      const admin = await cliHome('admin2');
      const created = await mesh(admin, [
        'account',
        'create',
        address,
        '--device-name',
        'Laptop E',
      ]);
      expect(created.status, created.stderr).toBe(EXIT_OK);
      const issuing = meshRun(admin, ['account', 'pin', '--expires', '10m', '--wait', '60']);
      const uri = (await issuing.line(/^URI: +(mcu:\/\/\S+)$/m))[1]!;

      const { ui, page } = await uiDevice('opened');
      await screenHeading(page, 'Set up this device').waitFor();
      // What the main process sends when the OS hands it an mcu:// link (electron/app/mcu-links.ts).
      ui.harness.emit({ event: 'connectLink', payload: { link: uri } });
      const field = page.getByLabel('Your account, or the mcu:// link you were given');
      await expect.poll(() => field.inputValue()).toBe(uri);
      await page.getByRole('button', { name: 'Ask to connect' }).click();
      expect(await issuing.status, issuing.stderr()).toBe(EXIT_OK);
      await screenHeading(page, 'Passwords').waitFor({ timeout: 30_000 });
    }, 90_000);

    it('a fresh UI device asks by witness; the UI administrator shows the same code and approves', async () => {
      const started = performance.now();
      const { page } = await uiDevice('witness');
      await screenHeading(page, 'Set up this device').waitFor();
      await page.getByRole('button', { name: 'Connect this device' }).click();
      await page.getByLabel('Your account, or the mcu:// link you were given').fill(adminAddress);
      await page.getByLabel('Name of this device').fill('Tablet W');
      await page.getByRole('button', { name: 'Ask to connect' }).click();
      const waiting = page.getByTestId('connect-waiting');
      await waiting.getByRole('img', { name: 'QR code of the code to compare' }).waitFor();
      const mine = (await waiting.locator('.witness-code').textContent()) ?? '';
      expect(mine).toMatch(/^[A-Z2-7]{20}$/);
      await checkScreen(page, 'onboarding-connect-waiting');

      await navButton(adminPage, 'Approvals').click();
      const shown = adminPage.getByTestId('pending-request').filter({ hasText: 'Tablet W' });
      await shown.waitFor();
      expect(await shown.locator('.witness-code').textContent()).toBe(mine);
      await adminPage.getByRole('button', { name: 'Approve Tablet W' }).click();
      await adminPage.getByText('Tablet W is now connected.').waitFor();
      await screenHeading(page, 'Passwords').waitFor({ timeout: 30_000 });

      // A member device cannot approve, and says which devices can.
      await navButton(page, 'Approvals').click();
      await page.getByText('This device cannot approve new devices.').waitFor();
      await checkScreen(page, 'approvals-member');
      console.log(`UI witness -> UI device: ${(performance.now() - started).toFixed(0)} ms`);
    }, 90_000);
  },
);
