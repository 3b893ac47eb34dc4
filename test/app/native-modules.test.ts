// `npm start` building keytar and better-sqlite3 for Electron's ABI (scripts/start.mjs): when it
// must build (no stamp, another Electron, platform, architecture or module version, a binary
// missing), and how (a prebuilt Electron binary, else node-gyp against Electron's headers, with
// the Electron target on the command line and npm's nodedir setting kept out). The build itself
// needs the Electron binary and Electron's headers, which these machines cannot download.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distDir, root } from '../../scripts/build.mjs';
import {
  ELECTRON_HEADERS_URL,
  electronBuildEnvironment,
  electronBuildSteps,
  electronNativeDir,
  electronRebuildReason,
  findNodeGyp,
  NATIVE_STAMP_FILE,
  nativeBinariesPresent,
  nativeBuildTarget,
  nativeModules,
  readNativeStamp,
  type NativeBuildTarget,
} from '../../scripts/start.mjs';

const folders: string[] = [];
afterAll(() => folders.forEach((path) => rmSync(path, { recursive: true, force: true })));
function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'mesh-native-'));
  folders.push(path);
  return path;
}

const target: NativeBuildTarget = {
  electron: '45.4.1',
  platform: 'linux',
  arch: 'x64',
  modules: { keytar: '7.9.0', 'better-sqlite3': '12.11.1' },
};

describe('when npm start builds the native modules for Electron', () => {
  it('builds when there is no stamp', () => {
    expect(electronRebuildReason({ stamp: null, target, binariesPresent: false })).toBe(
      'not yet built for Electron 45.4.1',
    );
  });

  it('does nothing when the stamp matches and the binaries are there', () => {
    expect(
      electronRebuildReason({ stamp: structuredClone(target), target, binariesPresent: true }),
    ).toBeNull();
  });

  it('builds again for another Electron, platform or architecture', () => {
    expect(
      electronRebuildReason({
        stamp: { ...target, electron: '44.0.0' },
        target,
        binariesPresent: true,
      }),
    ).toBe('built for Electron 44.0.0, not 45.4.1');
    expect(
      electronRebuildReason({ stamp: { ...target, arch: 'arm64' }, target, binariesPresent: true }),
    ).toBe('built for linux-arm64, not linux-x64');
  });

  it('builds again when npm install brought another version of a module', () => {
    const stamp = { ...target, modules: { ...target.modules, 'better-sqlite3': '12.10.0' } };
    expect(electronRebuildReason({ stamp, target, binariesPresent: true })).toBe(
      'better-sqlite3 12.11.1 is installed, the Electron build is of 12.10.0',
    );
  });

  it('builds again when a binary went missing', () => {
    expect(electronRebuildReason({ stamp: target, target, binariesPresent: false })).toBe(
      'an Electron build of a native module is missing',
    );
  });

  it('reads the stamp and the binaries from the Electron build folder', () => {
    const directory = folder();
    expect(readNativeStamp(directory)).toBeNull();
    expect(nativeBinariesPresent(directory)).toBe(false);
    writeFileSync(join(directory, NATIVE_STAMP_FILE), 'not json');
    expect(readNativeStamp(directory)).toBeNull();
    writeFileSync(join(directory, NATIVE_STAMP_FILE), JSON.stringify(target));
    expect(readNativeStamp(directory)).toEqual(target);
    for (const [name, binary] of Object.entries(nativeModules)) {
      mkdirSync(join(directory, name, binary, '..'), { recursive: true });
      writeFileSync(join(directory, name, binary), '');
    }
    expect(nativeBinariesPresent(directory)).toBe(true);
  });

  it('targets the installed modules, in dist/node_modules where the bundles in dist/ find them first', () => {
    const installed = nativeBuildTarget({ electronVersion: '45.4.1' });
    expect(installed).toMatchObject({
      electron: '45.4.1',
      platform: process.platform,
      arch: process.arch,
    });
    expect(Object.keys(installed.modules).sort()).toEqual(['better-sqlite3', 'keytar']);
    expect(installed.modules.keytar).toMatch(/^\d+\.\d+\.\d+/);
    expect(electronNativeDir).toBe(join(distDir, 'node_modules'));
  });
});

describe('how npm start builds them', () => {
  it('tries a prebuilt Electron binary, then node-gyp against Electron headers', () => {
    const steps = electronBuildSteps({
      electronVersion: '45.4.1',
      nodeGyp: '/npm/node_modules/node-gyp/bin/node-gyp.js',
      arch: 'x64',
      platform: 'linux',
    });
    expect(steps).toEqual([
      {
        command: process.execPath,
        args: [
          join(root, 'node_modules', 'prebuild-install', 'bin.js'),
          '--runtime=electron',
          '--target=45.4.1',
          '--arch=x64',
          '--platform=linux',
        ],
      },
      {
        command: process.execPath,
        args: [
          '/npm/node_modules/node-gyp/bin/node-gyp.js',
          'rebuild',
          '--release',
          '--runtime=electron',
          '--target=45.4.1',
          '--arch=x64',
          `--dist-url=${ELECTRON_HEADERS_URL}`,
        ],
      },
    ]);
    expect(electronBuildSteps({ electronVersion: '45.4.1', nodeGyp: null })).toHaveLength(1);
  });

  it("keeps npm's settings that would retarget the build out of its environment", () => {
    const env = electronBuildEnvironment({
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      npm_config_runtime: 'node',
      npm_config_target: '20.20.0',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_config_https_proxy: 'http://proxy:3128',
    });
    expect(env).toEqual({ PATH: '/usr/bin', npm_config_https_proxy: 'http://proxy:3128' });
  });

  it("finds npm's node-gyp: the one npm names, else beside npm, else with this Node", () => {
    const exists = (path: string) => path.startsWith('/opt/');
    expect(
      findNodeGyp({
        env: { npm_config_node_gyp: '/opt/npm/node-gyp.js' },
        exists,
        execPath: '/x/bin/node',
      }),
    ).toBe('/opt/npm/node-gyp.js');
    expect(
      findNodeGyp({
        env: { npm_execpath: '/opt/npm/bin/npm-cli.js' },
        exists,
        execPath: '/x/bin/node',
      }),
    ).toBe('/opt/npm/node_modules/node-gyp/bin/node-gyp.js');
    expect(findNodeGyp({ env: {}, exists, execPath: '/opt/node/bin/node' })).toBe(
      '/opt/node/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    );
    expect(findNodeGyp({ env: {}, exists: () => false, execPath: '/x/bin/node' })).toBeNull();
  });
});
