/**
 * Starting the built desktop program in a real Electron through Playwright's `_electron.launch`
 * (docs/architecture.md section 9), shared by the e2e tests: where the binary is (or why there is
 * none: since Electron 42 it is downloaded on first run, which machines that reach only the npm and
 * Debian registries cannot do), a private Xvfb when there is no display, and the launch itself
 * with the environment the program reads (MESH_HOME, MESH_SERVICE_URL, XDG_CONFIG_HOME).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { _electron, type ElectronApplication } from 'playwright-core';
import { buildAll, isStale, root } from '../../scripts/build.mjs';
import { locateElectronBinary } from '../../scripts/start.mjs';

// MESH_E2E_PACKAGED names a packaged executable (npm run dist, built with
// MESH_FUSES_FOR_PLAYWRIGHT=1): the same tests then run against the package, as the release
// workflow does (.github/workflows/release.yml).
export const packaged = process.env.MESH_E2E_PACKAGED;
export const electronBinary =
  packaged === undefined
    ? locateElectronBinary()
    : { found: existsSync(packaged), path: packaged, version: 'packaged' };
export const electronSkipReason = `no Electron ${electronBinary.version} binary at ${electronBinary.path}; it is downloaded on first run (Electron >= 42) and this machine cannot fetch it: run "npx install-electron" or set ELECTRON_OVERRIDE_DIST_PATH`;

/** Starts a private Xvfb when there is no display; resolves with its DISPLAY once it is ready. */
export function startVirtualDisplay(): Promise<{ display: string; process: ChildProcess } | null> {
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

/** The program running in Electron, and the Xvfb it draws on (if one was started). */
export interface LaunchedDesktop {
  readonly app: ElectronApplication;
  close(): Promise<void>;
}

/**
 * Build if stale, then launch the program with this process's environment (without
 * ELECTRON_RUN_AS_NODE) and `env` on top.
 */
export async function launchDesktop(env: Record<string, string> = {}): Promise<LaunchedDesktop> {
  if (packaged === undefined && isStale()) await buildAll();
  const display = await startVirtualDisplay();
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE') childEnv[name] = value;
  }
  if (display) childEnv.DISPLAY = display.display;
  Object.assign(childEnv, env);
  const app = await _electron.launch({
    executablePath: electronBinary.path,
    // Chromium will not start as root with its OS sandbox; only then is it turned off, for the
    // test run. The window's own `sandbox: true` is checked in electron-app.test.ts.
    args: [
      ...(packaged === undefined ? [root] : []),
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
    env: childEnv,
    cwd: root,
  });
  return {
    app,
    async close() {
      await app.close();
      display?.process.kill();
    },
  };
}
