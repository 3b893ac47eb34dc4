// The desktop builds and `npm start` (docs/architecture.md section 8, section 13): the preload is
// one small CommonJS file that runs with nothing but `require('electron')`, as in a sandboxed
// renderer; the main bundle leaves Electron and native modules external; and `npm start`
// without an Electron binary says so in one line and exits 1, without trying to download it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshNamesArgument } from '../../electron/app/window';
import { meshMethodNames } from '../../shared/ipc/contract';
import { buildElectron, root } from '../../scripts/build.mjs';
import { locateElectronBinary, missingElectronMessage } from '../../scripts/start.mjs';

describe('the main and preload bundles', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'mesh-build-'));
    await buildElectron({ outDir });
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('makes the preload one small CommonJS file that needs only electron', () => {
    const preload = readFileSync(join(outDir, 'preload.cjs'), 'utf8');
    expect(preload.length).toBeLessThan(8 * 1024);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('runs the preload as a sandboxed renderer would, exposing window.mesh', () => {
    const preload = readFileSync(join(outDir, 'preload.cjs'), 'utf8');
    const exposed = new Map<string, unknown>();
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value),
      },
      ipcRenderer: { invoke: () => Promise.resolve(), on: () => {}, removeListener: () => {} },
    };
    const sandboxRequire = (name: string) => {
      if (name !== 'electron') throw new Error(`module not found: ${name}`);
      return electron;
    };
    const module = { exports: {} };
    // A sandboxed preload's process.argv carries webPreferences.additionalArguments.
    const process = { argv: ['electron', meshNamesArgument()] };
    runInNewContext(preload, {
      require: sandboxRequire,
      module,
      exports: module.exports,
      process,
    });
    expect([...exposed.keys()]).toEqual(['mesh']);
    const mesh = exposed.get('mesh') as Record<string, Record<string, unknown>>;
    const namespaces = new Set(meshMethodNames.map((name) => name.split('.')[0]));
    expect(Object.keys(mesh).sort()).toEqual(['on', 'cancel', ...namespaces].sort());
    expect(Object.keys(mesh.passwords!)).toContain('reveal');
  });

  it('bundles the main process as CommonJS with electron and native modules external', () => {
    const main = readFileSync(join(outDir, 'main.cjs'), 'utf8');
    for (const name of ['electron', 'keytar', 'better-sqlite3']) {
      expect(main).not.toContain(`node_modules/${name}/`);
    }
    expect(main).toContain('require("electron")');
    expect(main).not.toMatch(/^\s*(import|export)\s/m);
  });
});

describe('npm start', () => {
  let empty: string;
  beforeAll(() => {
    empty = mkdtempSync(join(tmpdir(), 'mesh-no-electron-'));
  });
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('without an Electron binary prints one line saying how to get one, and exits 1', () => {
    const result = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Electron 45');
    expect(lines[0]).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    expect(lines[0]).toContain('npx install-electron');
  });

  it('finds a binary where ELECTRON_OVERRIDE_DIST_PATH points', () => {
    const dist = join(empty, 'unpacked');
    mkdirSync(dist, { recursive: true });
    const executable = process.platform === 'win32' ? 'electron.exe' : 'electron';
    writeFileSync(join(dist, executable), '');
    const found = locateElectronBinary({ env: { ELECTRON_OVERRIDE_DIST_PATH: dist } });
    expect(found).toMatchObject({ found: true, path: join(dist, executable) });
    expect(found.version).toMatch(/^45\./);
    const missing = locateElectronBinary({ env: { ELECTRON_OVERRIDE_DIST_PATH: empty } });
    expect(missing.found).toBe(false);
    expect(missingElectronMessage(missing)).not.toContain('\n');
  });
});
