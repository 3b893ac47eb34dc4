#!/usr/bin/env node
// `npm start`: launches the desktop program (docs/architecture.md section 8). It finds the Electron
// binary without triggering Electron's download-on-first-run (node_modules/electron/index.js
// would try to fetch it on `require`), builds what is stale, then runs Electron on this folder
// (package.json "main" is dist/electron/main.cjs). Where the binary is missing it says so in one
// line, with how to get it, and exits with status 1.
// `npm run dev:browser` (`--browser`): the renderer in a browser instead, served on loopback by
// the test harness, whose bridge answers window.mesh with the same IPC handlers.
// Nothing native is built for Electron: keytar is N-API, so its Node build loads in Electron, and
// the desktop's SQLite is Electron's own node:sqlite (docs/decisions.md, "SQLite without a
// per-Electron native build"). The embedded service runs in Electron's utility process.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildAll, isStale, root } from './build.mjs';

/** The executable's path inside an unpacked Electron, per platform (as electron/install.js). */
function platformExecutable(platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * Where the Electron binary is, resolved as node_modules/electron/index.js does but without
 * downloading: ELECTRON_OVERRIDE_DIST_PATH if set, else node_modules/electron/dist.
 * @param {{ env?: NodeJS.ProcessEnv, platform?: string }} [options]
 * @returns {{ found: true, path: string, version: string } | { found: false, path: string, version:
 * string }}
 */
export function locateElectronBinary({ env = process.env, platform = process.platform } = {}) {
  const require = createRequire(join(root, 'package.json'));
  const packageDir = dirname(require.resolve('electron/package.json'));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile)
    ? readFileSync(pathFile, 'utf8').trim()
    : platformExecutable(platform);
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, executable) : join(packageDir, 'dist', executable);
  return { found: existsSync(path), path, version };
}

/** The one line `npm start` prints when there is no Electron binary. */
export function missingElectronMessage({ path, version }) {
  return (
    `mesh: cannot start: no Electron ${version} binary at ${relative(root, path) || path}; ` +
    `on a machine that can reach Electron's downloads run "npx install-electron" once, ` +
    `or set ELECTRON_OVERRIDE_DIST_PATH to the folder of an unpacked Electron ${version}.`
  );
}

async function startBrowserShell(args) {
  // The renderer, and the service bundle the embedded service runs from.
  if (isStale()) await buildAll();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'test', 'e2e', 'harness', 'serve.ts'), ...args],
    { stdio: 'inherit', cwd: root },
  );
  forwardSignals(child);
}

/** Passes Ctrl+C and termination on to the child, and exits with its status. */
function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}

async function startElectron(args) {
  const electron = locateElectronBinary();
  if (!electron.found) {
    console.error(missingElectronMessage(electron));
    process.exit(1);
  }
  // Chromium refuses to run as root with its sandbox on; turning the sandbox off is the user's
  // explicit choice, never ours.
  if (process.platform === 'linux' && process.getuid?.() === 0 && !args.includes('--no-sandbox')) {
    console.error(
      'mesh: cannot start as root: Chromium\'s sandbox does not run as root; start as a normal user (or pass "-- --no-sandbox" knowingly).',
    );
    process.exit(1);
  }
  if (isStale()) await buildAll();
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron.path, [root, ...args], { stdio: 'inherit', cwd: root, env });
  forwardSignals(child);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  try {
    if (args[0] === '--browser') await startBrowserShell(args.slice(1));
    else await startElectron(args);
  } catch (error) {
    console.error(`mesh: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
