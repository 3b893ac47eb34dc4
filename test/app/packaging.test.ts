// Packaging resources (build/): the fuses of a release (checklist 19), the electron-builder
// configuration that carries them, the macOS entitlements, the Linux desktop entry and the icon.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { desktopEntry } from '../../build/electron-builder.config.mjs';
import { fuseOptionName, fusesFor, releaseFuses } from '../../build/fuses.mjs';
import { externalModules, root } from '../../scripts/build.mjs';

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

describe('electron-builder configuration', () => {
  it('sets the release fuses', () => {
    expect(config.electronFuses).toBe(releaseFuses);
  });

  it('packages dist/ and the native modules the main bundle leaves external, nothing else', () => {
    expect(config.files).toContain('dist/**/*');
    expect(config.files).toContain('!node_modules/**/*');
    for (const name of externalModules.filter((name) => name !== 'electron')) {
      expect(config.files).toContain(`node_modules/${name}/**/*`);
    }
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
    expect(desktopEntry('[Desktop Entry]\nName=X\nExec=x %U\n')).toEqual({ Name: 'X' });
  });

  it('has a 512x512 PNG icon', () => {
    const png = readFileSync(join(root, 'build', 'icon.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
