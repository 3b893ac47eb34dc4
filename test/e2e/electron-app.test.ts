// The desktop program in a real Electron through Playwright's `_electron.launch`
// (docs/architecture.md section 9). These tests need Electron's binary, which since Electron 42 is
// downloaded on first run and cannot be downloaded on machines that reach only the npm and Debian
// registries: there they are skipped, saying why; wherever a binary is present (after
// `npx install-electron`, or with ELECTRON_OVERRIDE_DIST_PATH) they run. The build tested keeps
// Electron's default fuses: `_electron.launch` needs the nodeCliInspect fuse on
// (docs/architecture.md section 13), which build/fuses.mjs turns off only for packaged releases.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../../scripts/build.mjs';
import {
  electronBinary,
  electronSkipReason,
  launchDesktop,
  type LaunchedDesktop,
} from './electron-launch';

describe.skipIf(!electronBinary.found)(
  `the desktop program in Electron${electronBinary.found ? '' : ` (skipped: ${electronSkipReason})`}`,
  () => {
    let desktop: LaunchedDesktop;
    let app: LaunchedDesktop['app'];
    let page: Page;

    beforeAll(async () => {
      desktop = await launchDesktop();
      app = desktop.app;
      page = await app.firstWindow();
      await page.getByRole('heading', { level: 1, name: 'Set up this device' }).waitFor();
    });

    afterAll(async () => {
      await desktop?.close();
    });

    it('loads the renderer from app://mesh', () => {
      expect(page.url()).toBe('app://mesh/index.html');
    });

    it('gives the renderer window.mesh and no Node', async () => {
      const surface = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        mesh: Object.keys((window as unknown as { mesh: object }).mesh).sort(),
      }));
      expect(surface).toEqual({
        require: 'undefined',
        process: 'undefined',
        mesh: ['app', 'cancel', 'on', 'session'],
      });
    });

    it("hands window.mesh across the context bridge, not the preload's own objects", async () => {
      // Functions copied by contextBridge are proxies the page cannot look into.
      const isolated = await page.evaluate(() => {
        const mesh = (window as unknown as { mesh: { app: { info: () => unknown } } }).mesh;
        return /\[native code\]/.test(Function.prototype.toString.call(mesh.app.info));
      });
      expect(isolated).toBe(true);
    });

    it("opened one window, from the main process's point of view", async () => {
      const url = await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows().map((window) => window.webContents.getURL()),
      );
      expect(url).toEqual(['app://mesh/index.html']);
    });

    it('serves app:// with the Content-Security-Policy', async () => {
      const csp = await page.evaluate(async () => {
        const response = await fetch('./index.html');
        return response.headers.get('content-security-policy');
      });
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
    });

    it('shows the version and Electron in the status panel', async () => {
      await page.getByRole('button', { name: 'About this device' }).click();
      const version = await app.evaluate(({ app: electronApp }) => electronApp.getVersion());
      await page.getByTestId('app-version').waitFor();
      expect(await page.getByTestId('app-version').textContent()).toBe(version);
      expect(await page.getByText(electronBinary.version).count()).toBe(1);
      mkdirSync(join(root, 'test-results', 'electron'), { recursive: true });
      await page.screenshot({ path: join(root, 'test-results', 'electron', 'about.png') });
    });

    it('refuses navigation away and opening windows', async () => {
      const opened = await page.evaluate(() => window.open('https://example.org/') === null);
      expect(opened).toBe(true);
      await page.evaluate(() => {
        window.location.href = 'https://example.org/';
      });
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(page.url()).toBe('app://mesh/index.html');
      expect(app.windows()).toHaveLength(1);
    });
  },
);
