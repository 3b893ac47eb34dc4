#!/usr/bin/env node
// Electron fuses for a packaged Mesh Desktop (Electron security checklist item 19): features
// switched off inside the binary itself, before it is signed, so no environment variable or
// command-line flag can turn them back on. One list, used by electron-builder's
// `electronFuses` (build/electron-builder.config.mjs) and by this script, which flips them on an
// already packaged executable with @electron/fuses (not a dependency of the repository: install
// it where you package, `npm install --no-save @electron/fuses`).
//
//   node build/fuses.mjs <packaged executable> [--for-playwright]
//
// --for-playwright keeps the nodeCliInspect fuse on: Playwright's `_electron.launch` drives the
// app through the inspector (docs/architecture.md section 13), so an end-to-end build of a package
// needs it.
import { pathToFileURL } from 'node:url';

/** The fuses of a release build, by electron-builder's FuseOptionsV1 names. */
export const releaseFuses = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.
  runAsNode: false,
  // Chromium's cookie store encrypted with the OS keychain (we keep no cookies, but cheap).
  enableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone inject code into the main process.
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // Load the app only from the signed app.asar, and check it against its embedded hash.
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  // We serve from app://, never file://: file: gets no extra privileges.
  grantFileProtocolExtraPrivileges: false,
});

/** The fuses for a build that Playwright will drive: the release set with the inspector on. */
export function fusesFor({ forPlaywright = false } = {}) {
  return forPlaywright
    ? Object.freeze({ ...releaseFuses, enableNodeCliInspectArguments: true })
    : releaseFuses;
}

/** The @electron/fuses option name of an electron-builder fuse name (runAsNode → RunAsNode). */
export function fuseOptionName(name) {
  return name[0].toUpperCase() + name.slice(1);
}

async function main(args) {
  const executable = args.find((arg) => !arg.startsWith('--'));
  if (!executable) {
    console.error('usage: node build/fuses.mjs <packaged executable> [--for-playwright]');
    return 2;
  }
  let fusesModule;
  try {
    fusesModule = await import('@electron/fuses');
  } catch {
    console.error(
      'fuses: @electron/fuses is not installed here; run "npm install --no-save @electron/fuses" first.',
    );
    return 1;
  }
  const { flipFuses, FuseVersion, FuseV1Options } = fusesModule;
  const wanted = fusesFor({ forPlaywright: args.includes('--for-playwright') });
  const config = { version: FuseVersion.V1 };
  for (const [name, value] of Object.entries(wanted)) {
    const option = FuseV1Options[fuseOptionName(name)];
    if (option === undefined) {
      console.error(`fuses: this @electron/fuses does not know the fuse ${name}`);
      return 1;
    }
    config[option] = value;
  }
  if (process.platform === 'darwin' && process.arch === 'arm64') {
    config.resetAdHocDarwinSignature = true;
  }
  await flipFuses(executable, config);
  console.log(`fuses: set on ${executable}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
