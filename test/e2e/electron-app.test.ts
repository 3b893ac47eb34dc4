// The desktop program in a real Electron through Playwright's `_electron.launch`
// (docs/architecture.md section 9). These tests need Electron's binary, which since Electron 42 is
// downloaded on first run and cannot be downloaded on machines that reach only the npm and Debian
// registries: there they are skipped, saying why; wherever a binary is present (after
// `npx install-electron`, or with ELECTRON_OVERRIDE_DIST_PATH) they run. The build tested keeps
// Electron's default fuses: `_electron.launch` needs the nodeCliInspect fuse on
// (docs/architecture.md section 13), which build/fuses.mjs turns off only for packaged releases.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAll, isStale, root } from '../../scripts/build.mjs';
import { locateElectronBinary } from '../../scripts/start.mjs';

// MESH_E2E_PACKAGED names a packaged executable (npm run dist, built with
// MESH_FUSES_FOR_PLAYWRIGHT=1): the same journeys then run against the package, as the release
// workflow does (.github/workflows/release.yml).
const packaged = process.env.MESH_E2E_PACKAGED;
const electronBinary =
  packaged === undefined
    ? locateElectronBinary()
    : { found: existsSync(packaged), path: packaged, version: 'packaged' };
const skipReason = `no Electron ${electronBinary.version} binary at ${electronBinary.path}; it is downloaded on first run (Electron >= 42) and this machine cannot fetch it: run "npx install-electron" or set ELECTRON_OVERRIDE_DIST_PATH`;

/** Starts a private Xvfb when there is no display; resolves with its DISPLAY once it is ready. */
function startVirtualDisplay(): Promise<{ display: string; process: ChildProcess } | null> {
  if (process.platform !== 'linux' || process.env.DISPLAY) return Promise.resolve(null);
  if (spawnSync('sh', ['-c', 'command -v Xvfb'], { stdio: 'ignore' }).status !== 0) {
    return Promise.reject(new Error('no DISPLAY and no Xvfb (apt-get install xvfb)'));
  }
  return new Promise((resolve, reject) => {
    // -displayfd: Xvfb picks a free display and writes its number when it accepts clients.
    const xvfb = spawn(
      'Xvfb',
      ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    xvfb.once('error', reject);
    xvfb.stdout.once('data', (chunk: Buffer) => {
      resolve({ display: `:${chunk.toString().trim()}`, process: xvfb });
    });
  });
}

describe.skipIf(!electronBinary.found)(
  `the desktop program in Electron${electronBinary.found ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let app: ElectronApplication;
    let page: Page;
    let xvfb: ChildProcess | undefined;

    beforeAll(async () => {
      if (packaged === undefined && isStale()) await buildAll();
      const display = await startVirtualDisplay();
      xvfb = display?.process;
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(process.env)) {
        if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE') env[name] = value;
      }
      if (display) env.DISPLAY = display.display;
      app = await _electron.launch({
        executablePath: electronBinary.path,
        // Chromium will not start as root with its OS sandbox; only then is it turned off, for
        // the test run. The window's own `sandbox: true` is still checked below.
        args: [
          ...(packaged === undefined ? [root] : []),
          ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        ],
        env,
        cwd: root,
      });
      page = await app.firstWindow();
      await page.getByRole('heading', { level: 1, name: 'Set up this device' }).waitFor();
    });

    afterAll(async () => {
      await app?.close();
      xvfb?.kill();
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
        mesh: ['app', 'on', 'session'],
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
