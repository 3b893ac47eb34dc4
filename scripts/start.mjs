#!/usr/bin/env node
// `npm start`: launches the desktop program (DESIGN.md section 8). It finds the Electron
// binary without triggering Electron's download-on-first-run (node_modules/electron/index.js
// would try to fetch it on `require`), builds what is stale, then runs Electron on this folder
// (package.json "main" is dist/electron/main.cjs). Where the binary is missing it says so in one
// line, with how to get it, and exits with status 1.
// `npm run dev:browser` (`--browser`): the renderer in a browser instead, served on loopback by
// the test harness, whose bridge answers window.mesh with the same IPC handlers.
// Before the first launch with a given Electron, the native modules (keytar, better-sqlite3) are
// built for Electron's ABI into dist/node_modules, which every bundle in dist/ finds before the
// root node_modules, whose Node build the tests keep using (docs/decisions.md).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildAll, distDir, isStale, root } from './build.mjs';

/** The native modules the desktop loads, and the binary each one's build leaves. */
export const nativeModules = Object.freeze({
  keytar: join('build', 'Release', 'keytar.node'),
  'better-sqlite3': join('build', 'Release', 'better_sqlite3.node'),
});
/** Where their Electron builds go: found first by dist/electron/main.cjs and dist/service/main.mjs. */
export const electronNativeDir = join(distDir, 'node_modules');
/** The stamp saying for which Electron (and which module versions) they were built. */
export const NATIVE_STAMP_FILE = '.mesh-electron-native.json';
/** Where node-gyp and prebuild-install find Electron's headers and prebuilt binaries. */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/**
 * What the Electron builds must match: the Electron version, the platform and architecture, and
 * the version of each native module installed in node_modules.
 * @param {{ electronVersion: string, platform?: string, arch?: string, modulesRoot?: string }} options
 */
export function nativeBuildTarget({
  electronVersion,
  platform = process.platform,
  arch = process.arch,
  modulesRoot = join(root, 'node_modules'),
}) {
  const modules = {};
  for (const name of Object.keys(nativeModules)) {
    const manifest = JSON.parse(readFileSync(join(modulesRoot, name, 'package.json'), 'utf8'));
    modules[name] = manifest.version;
  }
  return { electron: electronVersion, platform, arch, modules };
}

/** The stamp in `directory`, or null when there is none or it is not ours. */
export function readNativeStamp(directory = electronNativeDir) {
  try {
    const stamp = JSON.parse(readFileSync(join(directory, NATIVE_STAMP_FILE), 'utf8'));
    return stamp !== null && typeof stamp === 'object' && typeof stamp.electron === 'string'
      ? stamp
      : null;
  } catch {
    return null;
  }
}

/** True when every native module's Electron binary is in `directory`. */
export function nativeBinariesPresent(directory = electronNativeDir) {
  return Object.entries(nativeModules).every(([name, binary]) =>
    existsSync(join(directory, name, binary)),
  );
}

/**
 * Why the native modules must be built for Electron before launching, or null when the builds in
 * dist/node_modules are current: no stamp, another Electron, platform or architecture, another
 * module version (npm install changed it), or a binary missing.
 */
export function electronRebuildReason({ stamp, target, binariesPresent }) {
  if (stamp === null) return `not yet built for Electron ${target.electron}`;
  if (stamp.electron !== target.electron) {
    return `built for Electron ${stamp.electron}, not ${target.electron}`;
  }
  if (stamp.platform !== target.platform || stamp.arch !== target.arch) {
    return `built for ${stamp.platform}-${stamp.arch}, not ${target.platform}-${target.arch}`;
  }
  for (const [name, version] of Object.entries(target.modules)) {
    if (stamp.modules?.[name] !== version) {
      return `${name} ${version} is installed, the Electron build is of ${stamp.modules?.[name] ?? 'none'}`;
    }
  }
  if (!binariesPresent) return 'an Electron build of a native module is missing';
  return null;
}

/**
 * node-gyp's script: npm's own (npm_config_node_gyp under `npm start`, else beside the npm that
 * runs this), else one in node_modules, else the one of the npm installed with this Node. Null
 * when there is none.
 */
export function findNodeGyp({
  env = process.env,
  exists = existsSync,
  execPath = process.execPath,
} = {}) {
  const candidates = [
    env.npm_config_node_gyp,
    env.npm_execpath &&
      join(dirname(dirname(env.npm_execpath)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    // npm as the Node installers lay it out (Unix, then Windows).
    join(
      dirname(dirname(execPath)),
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    join(
      dirname(execPath),
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((path) => typeof path === 'string' && path !== '' && exists(path)) ?? null;
}

/**
 * The two ways to get one module's Electron build, tried in order in its copy's folder, as the
 * modules' own install scripts do (`prebuild-install || node-gyp rebuild --release`): a prebuilt
 * binary for this Electron, else compiling against Electron's headers. Both are given the
 * Electron target on their command line, not through npm's config, which npm is retiring for
 * unknown keys and which a `nodedir` in the user's npmrc would bend back to Node's headers.
 */
export function electronBuildSteps({
  electronVersion,
  nodeGyp,
  arch = process.arch,
  platform = process.platform,
}) {
  const prebuildInstall = join(root, 'node_modules', 'prebuild-install', 'bin.js');
  const electron = [`--runtime=electron`, `--target=${electronVersion}`, `--arch=${arch}`];
  return [
    { command: process.execPath, args: [prebuildInstall, ...electron, `--platform=${platform}`] },
    ...(nodeGyp === null
      ? []
      : [
          {
            command: process.execPath,
            args: [
              nodeGyp,
              'rebuild',
              '--release',
              ...electron,
              `--dist-url=${ELECTRON_HEADERS_URL}`,
            ],
          },
        ]),
  ];
}

/** The environment of a build step: npm's exported settings that would change the target removed. */
export function electronBuildEnvironment(env = process.env) {
  const result = { ...env };
  for (const name of Object.keys(result)) {
    if (
      /^npm_config_(nodedir|runtime|target|target_arch|arch|disturl|dist_url|build_from_source)$/i.test(
        name,
      )
    ) {
      delete result[name];
    }
  }
  return result;
}

/**
 * Build keytar and better-sqlite3 for Electron `electronVersion` into dist/node_modules unless
 * the stamp says it is done (docs/decisions.md): copy each package there without its Node
 * build, get its Electron build (electronBuildSteps), then write the stamp. The root
 * node_modules keeps its Node build for the tests. Throws with the last lines of output on
 * failure. Returns whether it built.
 */
export function ensureElectronNativeModules({ electronVersion, log = console.error }) {
  const target = nativeBuildTarget({ electronVersion });
  const reason = electronRebuildReason({
    stamp: readNativeStamp(),
    target,
    binariesPresent: nativeBinariesPresent(),
  });
  if (reason === null) return false;
  log(
    `mesh: building ${Object.keys(nativeModules).join(' and ')} for Electron ${electronVersion} (${reason}); this happens once`,
  );
  rmSync(join(electronNativeDir, NATIVE_STAMP_FILE), { force: true });
  mkdirSync(electronNativeDir, { recursive: true });
  const steps = electronBuildSteps({ electronVersion, nodeGyp: findNodeGyp() });
  const env = electronBuildEnvironment();
  for (const [name, binary] of Object.entries(nativeModules)) {
    const source = join(root, 'node_modules', name);
    const copy = join(electronNativeDir, name);
    rmSync(copy, { recursive: true, force: true });
    cpSync(source, copy, { recursive: true, filter: (path) => path !== join(source, 'build') });
    let output = '';
    for (const step of steps) {
      const result = spawnSync(step.command, step.args, { cwd: copy, env, encoding: 'utf8' });
      output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`;
      if (result.status === 0 && existsSync(join(copy, binary))) break;
    }
    if (!existsSync(join(copy, binary))) {
      const tail = output.trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `could not build ${name} for Electron ${electronVersion}: it needs a prebuilt binary or ` +
          `Electron's headers from ${ELECTRON_HEADERS_URL} and a C++ tool chain (node-gyp)` +
          (tail === '' ? '' : `:\n${tail}`),
      );
    }
  }
  writeFileSync(join(electronNativeDir, NATIVE_STAMP_FILE), JSON.stringify(target, null, 2) + '\n');
  return true;
}

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
 * @returns {{ found: true, path: string, version: string } | { found: false, path: string, version: string }}
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
  ensureElectronNativeModules({ electronVersion: electron.version });
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
