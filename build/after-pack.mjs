// electron-builder's afterPack hook (build/electron-builder.config.mjs): flips the release fuses
// (build/fuses.mjs; Electron security checklist item 19) on the packaged executable, after the
// app is in place and before it is signed. A hook rather than the configuration's
// `electronFuses`, because the release pins @electron/fuses 2, which needs Node 22 or later:
// the release workflow runs on Node 22 (.github/workflows/release.yml), and a build on an older
// Node stops here with the reason instead of shipping an executable without its fuses.
// A placeholder build (scripts/dist.mjs, no Electron binary) has no fuses to flip: it says so.
import { fusesFor } from './fuses.mjs';

/** The file scripts/dist.mjs leaves in a placeholder Electron folder. */
export const PLACEHOLDER_MARKER = 'MESH-PLACEHOLDER-ELECTRON.txt';
/** The oldest Node the release's @electron/fuses runs on. */
export const FUSES_NODE_MAJOR = 22;

/**
 * What the hook does for one packed app: `{ skip }` with the reason (a placeholder Electron),
 * or `{ fuses }`, the @electron/fuses settings by electron-builder's names. Throws when the
 * fuses cannot be flipped here (a Node older than 22).
 * @param {{ placeholder: boolean, platform: string, arch: string, nodeVersion?: string, forPlaywright?: boolean }} options
 */
export function fusePlan({
  placeholder,
  platform,
  arch,
  nodeVersion = process.versions.node,
  forPlaywright = process.env.MESH_FUSES_FOR_PLAYWRIGHT === '1',
}) {
  if (placeholder) {
    return { skip: 'a placeholder Electron has no fuses: nothing flipped, nothing to sign' };
  }
  const major = Number(nodeVersion.split('.')[0]);
  if (!(major >= FUSES_NODE_MAJOR)) {
    throw new Error(
      `fuses: a release build needs Node ${FUSES_NODE_MAJOR} or later for @electron/fuses 2 (this is Node ${nodeVersion}); build it as .github/workflows/release.yml does`,
    );
  }
  const fuses = { ...fusesFor({ forPlaywright }) };
  // Flipping a fuse breaks an ad-hoc signature, which arm64 macOS refuses to run unsigned.
  if (platform === 'darwin' && arch === 'arm64') fuses.resetAdHocDarwinSignature = true;
  return { fuses };
}

/** Beside an unpacked Linux layout: what the AppImage and deb install for the desktop. */
export const LINUX_DESKTOP_FOLDER = 'linux-desktop';

/**
 * For an unpacked Linux layout (the `dir` target, which installs nothing), write beside it the
 * desktop entry and icons the AppImage and deb targets would install, computed by
 * electron-builder's own LinuxTargetHelper, so that they can be checked without an installer:
 * `<out>/linux-desktop/<desktopName>` and `icons/<N>x<N>/<executable>.png`.
 */
async function writeLinuxDesktopFiles(context) {
  const { copyFile, mkdir } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper');
  const packager = context.packager;
  const helper = new LinuxTargetHelper(packager);
  const folder = join(dirname(context.appOutDir), LINUX_DESKTOP_FOLDER);
  const name = `${helper.getDesktopFileName()}.desktop`;
  await helper.writeDesktopEntry(
    packager.platformSpecificBuildOptions,
    undefined, // the Exec line the installers write
    join(folder, name),
  );
  for (const icon of await helper.icons) {
    const size = `${icon.size}x${icon.size}`;
    const target = join(folder, 'icons', size, `${packager.executableName}.png`);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(icon.file, target);
  }
}

/** electron-builder's Arch enum, by number. */
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

/** The hook (electron-builder calls the default export with its AfterPackContext). */
export default async function afterPack(context) {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const electronDist = context.packager.config.electronDist;
  const placeholder =
    typeof electronDist === 'string' && existsSync(join(electronDist, PLACEHOLDER_MARKER));
  const plan = fusePlan({
    placeholder,
    platform: context.electronPlatformName,
    arch: ARCH_NAMES[context.arch] ?? String(context.arch),
  });
  // electron-builder passes no target for the unpacked layout (`--dir`).
  const unpackedOnly = context.targets.every((target) => target.name === 'dir');
  if (context.electronPlatformName === 'linux' && unpackedOnly) {
    await writeLinuxDesktopFiles(context);
  }
  if ('skip' in plan) {
    console.log(`  • fuses: not set: ${plan.skip}`);
    return;
  }
  const config = await context.packager.generateFuseConfig(plan.fuses);
  await context.packager.addElectronFuses(context, config);
}
