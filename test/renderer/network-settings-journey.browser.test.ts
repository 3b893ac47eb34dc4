// Network settings and the service's health in the UI (docs/architecture.md sections 7 and 8), in
// Debian's Chromium through the browser harness on the real core, a real Mesh service on loopback
// and the real OS keychain: a network setting added in the UI is read on the other device (the
// core API on its own home, connected by a PIN) and one added there appears in the UI after a
// sync; then the service stops, and Settings says it cannot be reached. Each state is checked
// with axe in light and dark.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshDevice } from '../../electron/core/mesh-device';
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

describe.skipIf(noChromium)(
  `network settings and the service's health${chromiumSkipReason}`,
  () => {
    let renderer: Awaited<ReturnType<typeof buildRendererForJourneys>>;
    let service: TestService;
    let serviceClosed = false;
    let browser: Browser;
    let ui: UiDevice;
    let page: Page;
    let otherHome: string;
    let other: MeshDevice;

    beforeAll(async () => {
      [service, renderer, browser] = await Promise.all([
        startService(),
        buildRendererForJourneys(),
        launchChromium(),
      ]);
      ui = await startUiDevice({
        label: 'net',
        serviceUrl: service.url,
        rendererDir: renderer.dir,
      });
      page = await browser.newPage({ viewport: VIEWPORT });
      // The account on the UI's device, and a second device connected by a PIN that the UI
      // device's pending watcher accepts (connect-pin-journey.browser.test.ts does both in the UI).
      const address = service.address(`net${Date.now().toString(36)}`);
      const device = await ui.host.device();
      await device.account.create({ address, deviceName: 'Desktop' });
      const { pin } = await device.connect.issuePin({ expiresInSeconds: 600 });
      otherHome = await mkdtemp(join(tmpdir(), 'mesh-net-journey-b-'));
      other = await MeshDevice.open({ home: otherHome, keyStore: { kind: 'keychain' } });
      await other.connect.request({ address, pin, deviceName: 'Laptop' });
      expect((await other.connect.complete({ waitSeconds: 30 })).state).toBe('connected');
      await page.goto(ui.harness.url);
      await screenHeading(page, 'Passwords').waitFor();
    }, 120_000);

    afterAll(async () => {
      await page?.close();
      await browser?.close();
      await ui?.close();
      await other?.close();
      if (otherHome) await wipeHome(otherHome);
      if (!serviceClosed) await service?.close();
      renderer?.remove();
      logScreensChecked();
    });

    it('adds a network setting that the other device reads, and shows the one it adds', async () => {
      const started = performance.now();
      await navButton(page, 'Network').click();
      await page.getByText('No network settings yet.').waitFor();
      await page.getByLabel('Sites (separated by commas)').fill('intranet.example, wiki.example');
      await page.getByLabel('Search domains').fill('corp.example');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const row = page.getByRole('row').filter({ hasText: 'intranet.example, wiki.example' });
      await row.getByText('corp.example').waitFor();
      await checkScreen(page, 'network-entry');

      // The screen syncs after the change; each round here is one exchange with the service.
      let seen = await other.network.list();
      for (let round = 0; round < 20 && seen.length === 0; round++) {
        await other.account.sync();
        seen = await other.network.list();
      }
      expect(seen.map((entry) => [entry.sites, entry.prefix])).toEqual([
        [['intranet.example', 'wiki.example'], ['corp.example']],
      ]);

      await other.network.add({ sites: ['lab.example'], prefix: ['lab.corp.example'] });
      await other.account.sync();
      // The program syncs when its window gets the focus; the screen reads what arrived.
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await page.getByRole('row').filter({ hasText: 'lab.example' }).waitFor({ timeout: 20_000 });
      console.log(`network both ways: ${(performance.now() - started).toFixed(0)} ms`);
    }, 60_000);

    it('says the service answers, and that it cannot be reached once it stops', async () => {
      await navButton(page, 'Settings').click();
      const health = page.getByTestId('service-health');
      await health.getByText(/^The service in use answers \(\d+ ms\)\.$/).waitFor();
      await service.close();
      serviceClosed = true;
      // The health check runs when the screen opens.
      await navButton(page, 'Network').click();
      await navButton(page, 'Settings').click();
      await health
        .getByText(/^The service in use cannot be reached\./)
        .waitFor({ timeout: 20_000 });
      await checkScreen(page, 'settings-unreachable');
    }, 60_000);
  },
);
