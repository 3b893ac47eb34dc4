#!/usr/bin/env node
// `npm run dist`: the desktop program's packages with electron-builder 26
// (build/electron-builder.config.mjs): Linux AppImage and deb, macOS dmg and zip, Windows NSIS,
// each on its own operating system (.github/workflows/release.yml). It builds dist/ first when a
// source changed (scripts/build.mjs).
//
//   npm run dist                    the installers of this platform
//   npm run dist -- --dir           the unpacked layout only
//   npm run dist -- --dir --output <folder>   into another folder than release/
//
// Electron's binary is found as `npm start` finds it (scripts/start.mjs: never downloaded here).
// Where there is none, `--dir` builds the unpacked layout around a PLACEHOLDER Electron folder,
// says so on its first line, and names its output `release/PLACEHOLDER-not-a-package/`: the
// layout, app.asar and desktop files are real, the executable is a script that refuses to run.
// Installers then stop with a one-line reason.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLACEHOLDER_MARKER } from '../build/after-pack.mjs';
import { buildAll, isStale, root } from './build.mjs';
import { locateElectronBinary } from './start.mjs';

/** Where packages go. */
export const releaseDir = join(root, 'release');
/** The output folder of a placeholder build: its name says what it is. */
export const PLACEHOLDER_OUTPUT = 'PLACEHOLDER-not-a-package';

/**
 * What `npm run dist` was asked: `--dir` (unpacked layout only), `--output <folder>`, and the
 * platforms (`--linux`, `--mac`, `--win`; default this one). Throws on an unknown argument.
 * @param {string[]} args
 */
export function parseDistArguments(args) {
  const options = { dir: false, output: undefined, platforms: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--dir') options.dir = true;
    else if (arg === '--output') {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new Error('--output needs a folder');
      options.output = value;
    } else if (['--linux', '--mac', '--win'].includes(arg)) options.platforms.push(arg.slice(2));
    else
      throw new Error(
        `unknown argument ${arg} (known: --dir, --output <folder>, --linux, --mac, --win)`,
      );
  }
  return options;
}

/** The first line of a placeholder build. */
export function placeholderNotice({ version, path, output }) {
  return (
    `dist: PLACEHOLDER BUILD: no Electron ${version} binary at ${relative(root, path) || path}, ` +
    `so the unpacked layout is built around a placeholder Electron folder into ` +
    `${relative(root, output) || output}; it is not a package and does not run.`
  );
}

/** The one line when installers are asked for and there is no Electron binary. */
export function missingElectronForInstallers({ version, path }) {
  return (
    `dist: cannot build installers: no Electron ${version} binary at ${relative(root, path) || path} ` +
    `(installers need the real one: run this where Electron's downloads can be reached, as ` +
    `.github/workflows/release.yml does, or use "npm run dist -- --dir" for the unpacked layout).`
  );
}

/**
 * A folder that stands where an unpacked Electron would (electron-builder's `electronDist`):
 * the executable is a script that says what it is and exits 1, beside the marker file that
 * build/after-pack.mjs recognises, and Electron's licence files, which electron-builder moves.
 */
export function writePlaceholderElectron({ folder, version, platform = process.platform }) {
  if (platform !== 'linux') {
    throw new Error(`a placeholder Electron is made for Linux only (this is ${platform})`);
  }
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'resources'), { recursive: true });
  const text = `Placeholder for Electron ${version}, made by scripts/dist.mjs where no Electron binary could be had. Not a program.\n`;
  writeFileSync(join(folder, PLACEHOLDER_MARKER), text);
  writeFileSync(join(folder, 'version'), `${version}\n`);
  writeFileSync(join(folder, 'LICENSE'), text);
  writeFileSync(join(folder, 'LICENSES.chromium.html'), `<p>${text}</p>\n`);
  const executable = join(folder, 'electron');
  writeFileSync(
    executable,
    `#!/bin/sh\necho "placeholder Electron ${version} (scripts/dist.mjs): not a program" >&2\nexit 1\n`,
  );
  chmodSync(executable, 0o755);
  return folder;
}

/**
 * Run electron-builder. `electronDist` is the unpacked Electron folder (the real one, or a
 * placeholder); `output` the folder packages go to; `dir` for the unpacked layout only.
 */
export async function runElectronBuilder({ electronDist, output, dir, platforms }) {
  const { build, Platform } = await import('electron-builder');
  const { default: config } = await import('../build/electron-builder.config.mjs');
  const names = platforms.length > 0 ? platforms : [currentPlatformName()];
  const targets = new Map();
  for (const name of names) {
    const platform = { linux: Platform.LINUX, mac: Platform.MAC, win: Platform.WINDOWS }[name];
    for (const [key, value] of platform.createTarget(dir ? ['dir'] : undefined)) {
      targets.set(key, value);
    }
  }
  return build({
    projectDir: root,
    targets,
    publish: 'never',
    config: {
      ...config,
      electronDist,
      directories: { ...config.directories, output },
    },
  });
}

function currentPlatformName() {
  return { darwin: 'mac', win32: 'win' }[process.platform] ?? 'linux';
}

async function main(args) {
  const options = parseDistArguments(args);
  const electron = locateElectronBinary();
  const outputRoot = options.output === undefined ? releaseDir : resolve(options.output);
  let electronDist;
  let output = outputRoot;
  if (electron.found) {
    // The folder of the unpacked Electron (on macOS, the folder holding Electron.app).
    electronDist =
      process.platform === 'darwin'
        ? dirname(dirname(dirname(dirname(electron.path))))
        : dirname(electron.path);
  } else {
    if (!options.dir) {
      console.error(missingElectronForInstallers(electron));
      return 1;
    }
    output = join(outputRoot, PLACEHOLDER_OUTPUT);
    console.log(placeholderNotice({ ...electron, output }));
    electronDist = writePlaceholderElectron({
      folder: join(outputRoot, `.placeholder-electron-${electron.version}`),
      version: electron.version,
    });
  }
  if (isStale()) await buildAll();
  rmSync(output, { recursive: true, force: true });
  const started = performance.now();
  await runElectronBuilder({
    electronDist,
    output,
    dir: options.dir,
    platforms: options.platforms,
  });
  console.log(
    `dist: ${electron.found ? 'packages' : 'placeholder layout'} in ${relative(root, output) || output} (${Math.round(performance.now() - started)} ms)`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(`dist: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
