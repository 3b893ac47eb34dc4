// Journeys of the onboarding cancel and the password features in Debian's Chromium
// (docs/architecture.md section 9), through the browser harness on the real device core, a real
// Mesh service on loopback (behind a relay that can hold a request, and restartable with a lower
// body limit) and the real OS keychain: cancel a create while it registers, then create; a
// favourite in a folder with custom fields (one hidden, revealed like a password), filtered by
// folder and favourites; delete at once and undo; the entries a sync could not upload as too
// large, named; a connection request cancelled while it waits. Every screen changed is checked with axe-core in light and dark and photographed
// (support/screen-checks.ts).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../scripts/build.mjs';
import { startCountingRelay } from '../support/counting-relay';
import { startService, type TestService } from '../core/catalog/sync/harness';
import { checkScreen } from './support/screen-checks';
import { startUiDevice, type UiDevice } from './support/ui-device';

const CHROMIUM = process.env.MESH_TEST_CHROMIUM ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true';
const VIEWPORT = { width: 1100, height: 900 };

/**
 * A TCP relay to `port` that, while `hold` is set, stops forwarding a connection from the first
 * chunk holding `marker` (the request then never reaches the service and never gets an answer),
 * and tells `held` when it did.
 */
async function holdingRelay(port: number, marker: string) {
  let hold = false;
  let onHeld: () => void = () => {};
  const relay = await startCountingRelay(() => port, {
    forward(chunk) {
      if (!hold || !chunk.toString('latin1').includes(marker)) return true;
      onHeld();
      return false;
    },
  });
  return {
    url: `http://127.0.0.1:${relay.port}`,
    address: (name: string) => `${name}@127.0.0.1:${relay.port}`,
    /** Hold the next request with the marker; resolves when one is held. */
    holdNext(): Promise<void> {
      hold = true;
      return new Promise((resolve) => (onHeld = resolve));
    },
    release(): void {
      hold = false;
    },
    close: () => relay.close(),
  };
}

describe.skipIf(skip)(
  `password features in Chromium${skip ? ` (skipped: no Chromium at ${CHROMIUM})` : ''}`,
  () => {
    let rendererDir: string;
    let service: TestService;
    let relay: Awaited<ReturnType<typeof holdingRelay>>;
    let browser: Browser;
    let ui: UiDevice;
    let page: Page;
    let address: string;

    beforeAll(async () => {
      rendererDir = mkdtempSync(join(tmpdir(), 'mesh-features-renderer-'));
      [service] = await Promise.all([startService(), buildRenderer({ outDir: rendererDir })]);
      const servicePort = Number(/:(\d+)$/.exec(service.address('x'))?.[1]);
      relay = await holdingRelay(servicePort, '{"CreateRequest"');
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
      ui = await startUiDevice({ label: 'f', serviceUrl: relay.url, rendererDir });
      page = await browser.newPage({ viewport: VIEWPORT });
      address = relay.address(`fay${Date.now().toString(36)}`);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await ui?.close();
      await relay?.close();
      await service?.close();
      rmSync(rendererDir, { recursive: true, force: true });
    });

    const heading = (name: string) => page.getByRole('heading', { level: 1, name });
    const detail = () => page.getByTestId('password-detail');

    it('cancels a create while it registers, says what is true, then creates', async () => {
      await page.goto(ui.harness.url);
      await page.getByRole('button', { name: 'Create a master profile' }).click();
      await page.getByLabel('Account name').fill(address);
      await page.getByText(`Your account will be ${address}.`).waitFor();
      const held = relay.holdNext();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await held; // CreateAccount (CreateRequest) is on its way and will get no answer
      await page.getByText(/^Registering/).waitFor();
      await page.getByRole('button', { name: 'Cancel creating' }).click();
      const cancelled = page.getByTestId('cancelled');
      await cancelled.waitFor({ timeout: 15_000 });
      expect(await cancelled.textContent()).toMatch(/may have registered it.*same name to finish/);
      // Nothing shown as made: still onboarding, no profile.
      await heading('Set up this device').waitFor();
      expect((await (await ui.host.device()).account.status()).state).toBe('unconnected');
      await checkScreen(page, 'onboarding-create-cancelled');

      relay.release();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await heading('Passwords').waitFor({ timeout: 30_000 });
    }, 120_000);

    it('adds a favourite in a folder with custom fields, one hidden, and filters by them', async () => {
      await page.getByRole('button', { name: 'Add a password' }).click();
      await page.getByLabel('Title').fill('Pay bank');
      await page.getByLabel('Site').fill('https://pay.example');
      await page.getByLabel('Username').fill('fay');
      await page.getByLabel('Password', { exact: true }).fill('pay-secret-1');
      await page.getByLabel(/^Folder \(optional/).fill('Work/Banking');
      await page.getByLabel('Favourite', { exact: true }).check();
      await page.getByRole('button', { name: 'Add a custom field' }).click();
      await page.getByLabel('Name of field 1').fill('Customer number');
      await page.getByLabel('Value of field 1').fill('C-1234');
      await page.getByRole('button', { name: 'Add a custom field' }).click();
      await page.getByLabel('Name of field 2').fill('Recovery code');
      await page.getByLabel('Value of field 2').fill('rc-hidden-77');
      await page.getByLabel('Hidden, like a password').nth(1).check();
      expect(await page.getByLabel('Value of field 2').getAttribute('type')).toBe('password');
      await checkScreen(page, 'password-editor-fields');
      await page.getByRole('button', { name: 'Save' }).click();

      await detail()
        .getByRole('heading', { name: /Pay bank/ })
        .waitFor();
      await detail().getByTestId('entry-favorite').waitFor();
      expect(await detail().getByTestId('entry-folder').textContent()).toBe('Work/Banking');
      const fields = detail().getByTestId('custom-field');
      expect(await fields.nth(0).textContent()).toBe('C-1234');
      expect(await fields.nth(1).textContent()).not.toContain('rc-hidden-77');
      await detail().getByRole('button', { name: 'Reveal Recovery code' }).click();
      await fields.nth(1).getByText('rc-hidden-77').waitFor();
      await checkScreen(page, 'password-detail-fields');

      // A second entry, in no folder and not a favourite, by the core of the same device.
      const device = await ui.host.device();
      await device.passwords.add({ title: 'Plain shop', sites: ['shop.example'], username: 'f' });
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await page.getByRole('option', { name: /Plain shop/ }).waitFor();
      const count = page.getByTestId('password-count');
      expect(await count.textContent()).toBe('2 entries');
      await page.getByLabel('Favourites only').check();
      await page.getByRole('option', { name: /Plain shop/ }).waitFor({ state: 'detached' });
      expect(await count.textContent()).toBe('1 entry');
      await page.getByLabel('Favourites only').uncheck();
      await page.getByLabel('Folder', { exact: true }).selectOption({ label: 'Work/Banking' });
      expect(await count.textContent()).toBe('1 entry');
      await checkScreen(page, 'passwords-folder-filter');
      await page.getByLabel('Folder', { exact: true }).selectOption({ label: 'No folder' });
      await page.getByRole('option', { name: /Plain shop/ }).waitFor();
      expect(await count.textContent()).toBe('1 entry');
      await page.getByLabel('Folder', { exact: true }).selectOption({ label: 'All folders' });
    }, 120_000);

    it('deletes at once and undoes the delete, the entry back with its history', async () => {
      const device = await ui.host.device();
      await page.getByRole('option', { name: /Pay bank/ }).click();
      await detail().getByRole('button', { name: 'Delete' }).click();
      const toast = page.getByTestId('undo-toast');
      await toast.waitFor();
      expect(await toast.textContent()).toContain('Pay bank deleted.');
      await page.getByRole('option', { name: /Pay bank/ }).waitFor({ state: 'detached' });
      // Gone in the core at once, not when the toast lapses.
      expect((await device.passwords.list()).map((entry) => entry.title)).not.toContain('Pay bank');
      await checkScreen(page, 'passwords-undo');

      await toast.getByRole('button', { name: 'Undo' }).click();
      await detail()
        .getByRole('heading', { name: /Pay bank/ })
        .waitFor();
      await page.getByRole('option', { name: /Pay bank/ }).waitFor();
      const back = (await device.passwords.list()).find((entry) => entry.title === 'Pay bank');
      expect(back).toMatchObject({ folder: 'Work/Banking', favorite: true });
      const full = await device.passwords.get({ id: back!.id });
      expect(full.history).toHaveLength(1); // the version that was deleted
      expect(full.fields.map((field) => field.name)).toEqual(['Customer number', 'Recovery code']);
    }, 60_000);

    it('names the entries a sync could not upload as too large, with what to do', async () => {
      // Made while the service allowed it, then the service's body limit is lowered to 20 KB.
      service.setOffline(true);
      const device = await ui.host.device();
      await device.passwords.add({
        title: 'Long notes',
        sites: ['notes.example'],
        notes: 'n'.repeat(30_000),
      });
      await service.restart({ maxRequestBytes: 20_000 });
      service.setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      const notice = page.getByRole('heading', { name: '1 entry could not be uploaded' });
      await notice.waitFor({ timeout: 30_000 });
      await page.getByTestId('upload-failed').getByRole('button', { name: 'Long notes' }).waitFor();
      await page
        .getByText(/1 entry could not be uploaded/, { exact: false })
        .first()
        .waitFor();
      expect(await page.getByTestId('sync-state').textContent()).toMatch(
        /1 entry could not be uploaded/,
      );
      await checkScreen(page, 'passwords-upload-failed');
      // Naming it opens it.
      await page.getByTestId('upload-failed').getByRole('button', { name: 'Long notes' }).click();
      await detail().getByRole('heading', { name: 'Long notes' }).waitFor();
    }, 120_000);

    it('cancels a connection request while it waits for the approval', async () => {
      const joining = await startUiDevice({ label: 'g', serviceUrl: relay.url, rendererDir });
      const second = await browser.newPage({ viewport: VIEWPORT });
      try {
        await second.goto(joining.harness.url);
        await second.getByRole('button', { name: 'Connect this device' }).click();
        await second.getByLabel('Your account, or the mcu:// link you were given').fill(address);
        await second.getByRole('button', { name: 'Ask to connect' }).click();
        const waiting = second.getByTestId('connect-waiting');
        await waiting.waitFor({ timeout: 30_000 });
        await waiting.getByRole('button', { name: 'Cancel' }).click();
        // Back to a true state: nothing asked, this device not connected.
        await second.getByRole('button', { name: 'Ask to connect' }).waitFor();
        expect(await waiting.count()).toBe(0);
        expect((await (await joining.host.device()).account.status()).state).toBe('unconnected');
      } finally {
        await second.close();
        await joining.close();
      }
    }, 120_000);
  },
);
