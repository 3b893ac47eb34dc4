// electron-builder configuration of Mesh Desktop, documented for packaging (electron-builder is
// not a dependency of this repository: `npm install --no-save electron-builder@26` where you
// package, then `npm run build && npx electron-builder --config build/electron-builder.config.mjs`).
// Packages contain only dist/ (main, preload, renderer: everything else is bundled) and the
// two native modules, rebuilt for Electron's ABI by electron-builder. Fuses come from
// build/fuses.mjs; the Linux desktop entry from build/mesh-desktop.desktop.
import { readFileSync } from 'node:fs';
import { releaseFuses } from './fuses.mjs';

/** The fields of build/mesh-desktop.desktop, less those electron-builder writes itself. */
export function desktopEntry(
  text = readFileSync(new URL('./mesh-desktop.desktop', import.meta.url), 'utf8'),
) {
  const entry = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match && !['Exec', 'Icon', 'Type'].includes(match[1])) entry[match[1]] = match[2];
  }
  return entry;
}

/** Native modules the main process requires at run time (scripts/build.mjs externals). */
const nativeModules = ['keytar', 'better-sqlite3', 'bindings', 'file-uri-to-path'];

export default {
  appId: 'org.mathematicalmesh.desktop',
  productName: 'Mesh Desktop',
  executableName: 'mesh-desktop',
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'package.json',
    'dist/**/*',
    '!dist/**/*.map',
    '!node_modules/**/*',
    ...nativeModules.map((name) => `node_modules/${name}/**/*`),
  ],
  asar: true,
  asarUnpack: ['**/*.node'],
  npmRebuild: true,
  electronFuses: releaseFuses,
  mac: {
    category: 'public.app-category.productivity',
    icon: 'build/icon.png',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
    target: ['dmg', 'zip'],
  },
  linux: {
    icon: 'build/icon.png',
    category: 'Utility',
    target: ['AppImage', 'deb'],
    desktop: { entry: desktopEntry() },
  },
  win: {
    icon: 'build/icon.png',
    target: ['nsis'],
  },
};
