// Packaging resources (build/): the fuses of a release (checklist 19) and the afterPack hook that
// flips them, the electron-builder configuration, the macOS entitlements and notarisation, the
// Linux desktop entry and the icon. The package itself is built and checked in package.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUSES_NODE_MAJOR, fusePlan } from '../../build/after-pack.mjs';
import config, {
  desktopEntry,
  notarizeFromEnvironment,
  packagedNodeModules,
} from '../../build/electron-builder.config.mjs';
import { fuseOptionName, fusesFor, releaseFuses } from '../../build/fuses.mjs';
import { externalModules, nodeOnlyModules, root } from '../../scripts/build.mjs';

// The FuseV1Options of @electron/fuses 1.x/2.x (electronjs.org "Electron Fuses").
const knownFuseOptions = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
];

describe('fuses', () => {
  it('switch off running as Node, NODE_OPTIONS, the inspector and file: privileges in a release', () => {
    expect(releaseFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });

  it('keep the inspector on only for a build Playwright drives', () => {
    expect(fusesFor()).toBe(releaseFuses);
    expect(fusesFor({ forPlaywright: true })).toEqual({
      ...releaseFuses,
      enableNodeCliInspectArguments: true,
    });
  });

  it('name only fuses @electron/fuses knows', () => {
    for (const name of Object.keys(releaseFuses)) {
      expect(knownFuseOptions, name).toContain(fuseOptionName(name));
    }
  });
});

describe('the afterPack hook', () => {
  it('flips the release fuses under Node 22 or later', () => {
    expect(
      fusePlan({ placeholder: false, platform: 'linux', arch: 'x64', nodeVersion: '22.12.0' }),
    ).toEqual({ fuses: releaseFuses });
    expect(
      fusePlan({ placeholder: false, platform: 'win32', arch: 'x64', nodeVersion: '24.1.0' }),
    ).toEqual({ fuses: releaseFuses });
  });

  it('resets the ad-hoc signature on arm64 macOS, and keeps the inspector only for Playwright', () => {
    expect(
      fusePlan({ placeholder: false, platform: 'darwin', arch: 'arm64', nodeVersion: '22.0.0' }),
    ).toEqual({ fuses: { ...releaseFuses, resetAdHocDarwinSignature: true } });
    expect(
      fusePlan({
        placeholder: false,
        platform: 'linux',
        arch: 'x64',
        nodeVersion: '22.0.0',
        forPlaywright: true,
      }),
    ).toEqual({ fuses: fusesFor({ forPlaywright: true }) });
  });

  it('refuses a release build on a Node older than 22, and skips a placeholder Electron', () => {
    expect(() =>
      fusePlan({ placeholder: false, platform: 'linux', arch: 'x64', nodeVersion: '20.19.0' }),
    ).toThrow(`needs Node ${FUSES_NODE_MAJOR} or later`);
    expect(
      fusePlan({ placeholder: true, platform: 'linux', arch: 'x64', nodeVersion: '20.19.0' }),
    ).toMatchObject({ skip: expect.stringContaining('placeholder') });
  });
});

describe('electron-builder configuration', () => {
  it('flips the fuses in the afterPack hook, not through electronFuses', () => {
    expect(config.afterPack).toBe('./build/after-pack.mjs');
    expect(config).not.toHaveProperty('electronFuses');
  });

  it('packages the bundles and keytar only, and rebuilds nothing', () => {
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/electron/**/*', 'dist/service/**/*', 'dist/renderer/**/*']),
    );
    expect(config.files).toContain('!dist/**/*.map');
    expect(config.files).toContain('!node_modules/**/*');
    expect(packagedNodeModules).toEqual(
      externalModules.filter((name) => name !== 'electron' && !nodeOnlyModules.includes(name)),
    );
    expect(config.files.filter((pattern) => pattern.startsWith('node_modules/'))).toEqual([
      'node_modules/keytar/package.json',
      'node_modules/keytar/lib/keytar.js',
      'node_modules/keytar/build/Release/keytar.node',
    ]);
    expect(config.npmRebuild).toBe(false);
  });

  it('registers the mcu scheme, and the deb depends on libsecret', () => {
    expect(config.protocols).toEqual([{ name: expect.any(String), schemes: ['mcu'] }]);
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.linux.syncDesktopName).toBe(true);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      desktopName: 'mesh-desktop.desktop',
      homepage: expect.stringMatching(/^https:/),
      author: { name: expect.any(String) },
    });
  });

  it('notarises macOS builds only with Apple credentials from the environment', () => {
    expect(notarizeFromEnvironment({})).toBe(false);
    expect(notarizeFromEnvironment({ APPLE_ID: 'a@example.org' })).toBe(false);
    expect(
      notarizeFromEnvironment({
        APPLE_ID: 'a@example.org',
        APPLE_APP_SPECIFIC_PASSWORD: 'x',
        APPLE_TEAM_ID: 'T',
      }),
    ).toBe(true);
    expect(
      notarizeFromEnvironment({
        APPLE_API_KEY: 'k.p8',
        APPLE_API_KEY_ID: 'K',
        APPLE_API_ISSUER: 'I',
      }),
    ).toBe(true);
  });

  it('signs macOS builds under the hardened runtime with the JIT entitlement only', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(join(root, config.mac.entitlements), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('takes the Linux desktop entry from build/mesh-desktop.desktop', () => {
    expect(config.linux.desktop.entry).toMatchObject({
      Name: 'Mesh Desktop',
      Categories: 'Utility;Security;',
    });
    expect(config.linux.desktop.entry).not.toHaveProperty('Exec');
    expect(
      desktopEntry('[Desktop Entry]\nName=X\nExec=x %U\nStartupWMClass=x\nMimeType=x;\n'),
    ).toEqual({ Name: 'X' });
  });

  it('has a 512x512 PNG icon', () => {
    const png = readFileSync(join(root, 'build', 'icon.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
