// electron-builder configuration of Mesh Desktop (electron-builder 26, a dev dependency). Used by
// `npm run dist` (scripts/dist.mjs), which builds dist/ first and, where no Electron binary is
// present, makes only the unpacked layout around a placeholder Electron folder.
//
// What a package holds (docs/decisions.md, "Packages"): dist/ (main, preload and service are
// bundles that carry their dependencies; the renderer is built), and of node_modules keytar only,
// whose N-API binary loads under any Electron. No source maps, no better-sqlite3: the desktop's
// SQLite is Electron's own node:sqlite. Nothing is rebuilt for Electron (npmRebuild off), so a
// `nodedir` in someone's npm configuration cannot bend a build back to Node's ABI.
// Fuses are flipped by build/after-pack.mjs; the Linux desktop entry comes from
// build/mesh-desktop.desktop.
import { readFileSync } from 'node:fs';

/**
 * Desktop-entry fields electron-builder writes itself: Exec and Icon from executableName, the
 * MimeType from `protocols`, StartupWMClass from package.json's desktopName (which Electron makes
 * its window's app id, so the two must agree).
 */
const WRITTEN_BY_BUILDER = ['Exec', 'Icon', 'Type', 'MimeType', 'StartupWMClass'];

/** The fields of build/mesh-desktop.desktop, less those electron-builder writes itself. */
export function desktopEntry(
  text = readFileSync(new URL('./mesh-desktop.desktop', import.meta.url), 'utf8'),
) {
  const entry = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match && !WRITTEN_BY_BUILDER.includes(match[1])) {
      entry[match[1]] = match[2];
    }
  }
  return entry;
}

/** The scheme of the `mcu://ACCOUNT/PIN` connection URIs (docs/device-flows.md). */
export const MESH_URI_SCHEME = 'mcu';

/** Node modules a package carries: required at run time by the bundles and not bundled. */
export const packagedNodeModules = ['keytar'];
/** Of each, the files it needs at run time (keytar: its loader and its N-API binary). */
const packagedModuleFiles = {
  keytar: ['package.json', 'lib/keytar.js', 'build/Release/keytar.node'],
};

/**
 * Whether to notarise macOS builds: only when the environment holds Apple's credentials
 * (electron-builder reads them from there itself: an App Store Connect API key, an Apple ID with
 * an app-specific password, or a notarytool keychain profile). Never in the repository.
 */
export function notarizeFromEnvironment(env = process.env) {
  const apiKey = env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER;
  const appleId = env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID;
  return Boolean(apiKey || appleId || env.APPLE_KEYCHAIN_PROFILE);
}

export default {
  appId: 'org.mathematicalmesh.desktop',
  productName: 'Mesh Desktop',
  executableName: 'mesh-desktop',
  copyright: 'Copyright © Mesh Desktop contributors',
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'package.json',
    'dist/electron/**/*',
    'dist/service/**/*',
    'dist/renderer/**/*',
    '!dist/**/*.map',
    '!node_modules/**/*',
    ...packagedNodeModules.flatMap((name) =>
      packagedModuleFiles[name].map((file) => `node_modules/${name}/${file}`),
    ),
  ],
  asar: true,
  asarUnpack: ['**/*.node'],
  // Nothing to rebuild: keytar is N-API, and the desktop has no other native module.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  afterPack: './build/after-pack.mjs',
  protocols: [{ name: 'Mesh connection URI', schemes: [MESH_URI_SCHEME] }],
  mac: {
    category: 'public.app-category.productivity',
    icon: 'build/icon.png',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
    notarize: notarizeFromEnvironment(),
    target: ['dmg', 'zip'],
  },
  dmg: { sign: false },
  linux: {
    icon: 'build/icon.png',
    // Categories and Comment of the desktop entry (electron-builder writes them from these).
    category: 'Utility;Security',
    description: desktopEntry().Comment,
    target: ['AppImage', 'deb'],
    // Debian's Maintainer field ("Name <address>"), given by the release (a repository variable).
    maintainer: process.env.MESH_PACKAGE_MAINTAINER,
    // The installed file is package.json's desktopName, which Electron reads at run time.
    syncDesktopName: true,
    synopsis: 'Passwords and settings on all your devices, with the Mathematical Mesh',
    desktop: { entry: desktopEntry() },
  },
  deb: {
    // keytar talks to the Secret Service through libsecret; the rest is Electron's own list.
    depends: [
      'libsecret-1-0',
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
    ],
  },
  win: {
    icon: 'build/icon.png',
    target: ['nsis'],
  },
  nsis: { oneClick: false, perMachine: false },
};
