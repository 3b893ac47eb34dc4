// The package (scripts/dist.mjs, build/electron-builder.config.mjs): `npm run dist -- --dir`
// builds the unpacked Linux layout (around a placeholder Electron folder where no binary can be
// had, as here), and the result is checked the way a packaged program would load it: every module
// that main.cjs, preload.cjs and the embedded service import resolves inside app.asar or
// app.asar.unpacked; each .node file is for Electron 45's module ABI or N-API; the desktop entry,
// icon, mcu scheme and desktopName are in place; nothing that must not ship is there; and the
// embedded service starts from the packaged files under Node 24 (Electron 45's Node major, as a
// stand-in for the utility process) and answers Hello. The package size is printed.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACEHOLDER_MARKER } from '../../build/after-pack.mjs';
import { launchEmbeddedService, nodeProcessLauncher } from '../../electron/app/embedded-service';
import { MeshServiceClient } from '../../electron/core/client/mesh-service-client';
import { nodeOnlyModules, root, serviceExternalModules } from '../../scripts/build.mjs';
import { PLACEHOLDER_OUTPUT } from '../../scripts/dist.mjs';
import { locateElectronBinary } from '../../scripts/start.mjs';
import { findNode24 } from '../support/node24';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractFile(archive: string, file: string): Buffer;
  extractAll(archive: string, destination: string): void;
};
const electronVersion = locateElectronBinary().version;
/** Electron's module ABI, from node-abi (the table electron-builder and prebuild-install use). */
const electronAbi = (require('node-abi') as { getAbi(v: string, runtime: string): string }).getAbi(
  electronVersion,
  'electron',
);

/**
 * Imports a packaged program never resolves, and why: better-sqlite3 is loaded only by a Node
 * without node:sqlite (never Electron 45), pg-native only by pg's native mode (never used).
 */
const NOT_PACKAGED = new Set([...nodeOnlyModules, 'pg-native']);

const work = mkdtempSync(join(tmpdir(), 'mesh-package-'));
let output = '';
let firstLine = '';
let placeholder = false;
let unpacked = '';
let archive = '';
let files: string[] = [];

beforeAll(() => {
  const result = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'dist.mjs'), '--dir', '--output', join(work, 'release')],
    { cwd: root, encoding: 'utf8', timeout: 170_000 },
  );
  const text = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`npm run dist -- --dir failed:\n${text}`);
  firstLine = result.stdout.split('\n')[0] ?? '';
  placeholder = !locateElectronBinary().found;
  output = placeholder ? join(work, 'release', PLACEHOLDER_OUTPUT) : join(work, 'release');
  unpacked = join(output, 'linux-unpacked');
  archive = join(unpacked, 'resources', 'app.asar');
  files = asar
    .listPackage(archive, { isPack: false })
    .map((path) => path.replaceAll('\\', '/').replace(/^\//, ''));
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A file of the archive, or of app.asar.unpacked when electron-builder moved it there. */
function packagedFile(path: string): Buffer {
  const outside = join(unpacked, 'resources', 'app.asar.unpacked', path);
  return existsSync(outside) ? readFileSync(outside) : asar.extractFile(archive, path);
}
const has = (path: string): boolean => files.includes(path);

/**
 * The modules a file asks for: require("x"), import("x"), and a top-level `import … from "x"`
 * (a line of its own, as esbuild writes it). Specifiers are module names or ./ paths, so text in
 * bundled strings and comments that merely looks like a call is not taken for one.
 */
function importedModules(code: string): { bare: Set<string>; relative: Set<string> } {
  const bare = new Set<string>();
  const relative = new Set<string>();
  const specifier = String.raw`(@?[\w][\w@./:-]*|\.{1,2}/[\w@./-]+)`;
  const patterns = [
    // esbuild's ES module bundles call __require for the CommonJS code they carry.
    new RegExp(String.raw`(?<![\w$])(?:__)?require\(\s*["']${specifier}["']\s*\)`, 'g'),
    // Not a JSDoc type, {import('./x.js').T}.
    new RegExp(String.raw`(?<!\{)\bimport\(\s*["']${specifier}["']\s*\)`, 'g'),
    new RegExp(String.raw`^import\s[^;'"]*?from\s*["']${specifier}["']`, 'gm'),
    new RegExp(String.raw`^import\s*["']${specifier}["']`, 'gm'),
  ];
  for (const pattern of patterns) {
    for (const [, specifier] of code.matchAll(pattern)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) relative.add(specifier);
      else bare.add(specifier);
    }
  }
  return { bare, relative };
}

const isBuiltin = (name: string): boolean =>
  name.startsWith('node:') || builtinModules.includes(name.split('/')[0] ?? name);

/** Resolve `specifier` from the packaged file `from` as Node would, within the archive's files. */
function resolvesInPackage(from: string, specifier: string): string | undefined {
  const candidates = (base: string) => [base, `${base}.js`, `${base}.json`, `${base}/index.js`];
  if (specifier.startsWith('.')) {
    const base = posix.normalize(posix.join(posix.dirname(from), specifier));
    return candidates(base).find(has);
  }
  const [scopeOrName = '', maybeName] = specifier.split('/');
  const name = scopeOrName.startsWith('@') ? `${scopeOrName}/${maybeName}` : scopeOrName;
  const manifestPath = `node_modules/${name}/package.json`;
  if (!has(manifestPath)) return undefined;
  const manifest = JSON.parse(packagedFile(manifestPath).toString('utf8')) as { main?: string };
  const main = posix.normalize(`node_modules/${name}/${manifest.main ?? 'index.js'}`);
  return candidates(main.replace(/\.js$/, '')).find(has) ?? (has(main) ? main : undefined);
}

describe('npm run dist -- --dir', () => {
  it('says on its first line when it builds around a placeholder, and names its output so', () => {
    if (!placeholder) return;
    expect(firstLine).toMatch(/^dist: PLACEHOLDER BUILD: no Electron \d+\.\d+\.\d+ binary/);
    expect(output).toContain('PLACEHOLDER');
    expect(existsSync(join(unpacked, PLACEHOLDER_MARKER))).toBe(true);
    const executable = spawnSync(join(unpacked, 'mesh-desktop'), { encoding: 'utf8' });
    expect(executable.status).toBe(1);
    expect(executable.stderr).toContain('placeholder Electron');
  });

  it('lays out the program: mesh-desktop, resources/app.asar with the three bundles and the renderer', () => {
    expect(existsSync(join(unpacked, 'mesh-desktop'))).toBe(true);
    for (const path of [
      'package.json',
      'dist/electron/main.cjs',
      'dist/electron/preload.cjs',
      'dist/service/main.mjs',
      'dist/renderer/index.html',
    ]) {
      expect(files, path).toContain(path);
    }
    const manifest = JSON.parse(packagedFile('package.json').toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.main).toBe('dist/electron/main.cjs');
  });

  it('resolves every module the main process, the preload and the service import, inside the package', () => {
    const entries = {
      'dist/electron/main.cjs': new Set(['electron']),
      'dist/electron/preload.cjs': new Set(['electron']),
      'dist/service/main.mjs': new Set<string>(),
    };
    const unresolved: string[] = [];
    const seen = new Set<string>();
    const queue = Object.keys(entries);
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (file.endsWith('.node') || file.endsWith('.json')) continue;
      const { bare, relative } = importedModules(packagedFile(file).toString('utf8'));
      const provided = entries[file as keyof typeof entries] ?? new Set<string>();
      for (const name of bare) {
        if (isBuiltin(name) || provided.has(name) || NOT_PACKAGED.has(name)) continue;
        const found = resolvesInPackage(file, name);
        if (found === undefined) unresolved.push(`${file}: ${name}`);
        else queue.push(found);
      }
      for (const specifier of relative) {
        const found = resolvesInPackage(file, specifier);
        if (found === undefined) unresolved.push(`${file}: ${specifier}`);
        else queue.push(found);
      }
    }
    expect(unresolved).toEqual([]);
    // What the walk reached: keytar's loader and binary, from main.cjs.
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'node_modules/keytar/lib/keytar.js',
        'node_modules/keytar/build/Release/keytar.node',
      ]),
    );
    // The preload asks for Electron only; the service for nothing outside itself but its
    // declared Node-only fallbacks.
    expect(
      [...importedModules(packagedFile('dist/electron/preload.cjs').toString('utf8')).bare].filter(
        (name) => !isBuiltin(name),
      ),
    ).toEqual(['electron']);
    expect(
      [...importedModules(packagedFile('dist/service/main.mjs').toString('utf8')).bare]
        .filter((name) => !isBuiltin(name))
        .sort(),
    ).toEqual([...serviceExternalModules].sort());
    for (const name of NOT_PACKAGED) {
      expect(files.some((path) => path.startsWith(`node_modules/${name}/`))).toBe(false);
    }
  });

  it(`carries only .node files for Electron's ABI ${electronAbi} or N-API, unpacked from the archive`, () => {
    const natives = files.filter((path) => path.endsWith('.node'));
    expect(natives).toEqual(['node_modules/keytar/build/Release/keytar.node']);
    for (const path of natives) {
      const outside = join(unpacked, 'resources', 'app.asar.unpacked', path);
      expect(existsSync(outside), `${path} unpacked`).toBe(true);
      const binary = readFileSync(outside).toString('latin1');
      const abis = [...binary.matchAll(/node_register_module_v(\d+)/g)].map((m) => m[1]);
      if (abis.length > 0) expect(new Set(abis), path).toEqual(new Set([electronAbi]));
      else expect(binary, `${path} is N-API`).toContain('napi_register_module_v1');
    }
  });

  it('has the desktop entry, the icon, the mcu scheme and desktopName in place', () => {
    const manifest = JSON.parse(packagedFile('package.json').toString('utf8')) as {
      desktopName?: string;
    };
    expect(manifest.desktopName).toBe('mesh-desktop.desktop');
    const desktopFolder = join(output, 'linux-desktop');
    const entry = readFileSync(join(desktopFolder, manifest.desktopName ?? ''), 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]\n/);
    expect(entry).toContain('\nName=Mesh Desktop\n');
    expect(entry).toMatch(/\nExec="?\/opt\/Mesh Desktop\/mesh-desktop"? %U\n/);
    expect(entry).toContain('\nIcon=mesh-desktop\n');
    expect(entry).toContain('\nStartupWMClass=mesh-desktop\n');
    expect(entry).toContain('\nMimeType=x-scheme-handler/mcu;\n');
    expect(entry).toContain('\nCategories=Utility;Security;\n');
    const icon = readFileSync(join(desktopFolder, 'icons', '512x512', 'mesh-desktop.png'));
    expect(icon.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([512, 512]);
    // The window's own icon, inside the archive.
    expect(files).toContain('dist/electron/icon.png');
  });

  it('leaves out tests, source maps, .env files, sources and every dev dependency', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const forbidden = files.filter(
      (path) =>
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(path) ||
        path.endsWith('.map') ||
        /(^|\/)\.env(\.|$)/.test(path) ||
        /\.(ts|tsx|cc|cpp|h|gyp)$/.test(path) ||
        path.startsWith('test/') ||
        path.startsWith('service/') ||
        path.startsWith('electron/') ||
        path.startsWith('dist/node_modules/') ||
        path.endsWith('test_extension.node') ||
        Object.keys(manifest.devDependencies).some((name) =>
          path.startsWith(`node_modules/${name}/`),
        ),
    );
    expect(forbidden).toEqual([]);
    for (const path of files.filter((p) => /\.(c|m)?js$/.test(p))) {
      expect(packagedFile(path).toString('utf8'), path).not.toMatch(
        /sourceMappingURL=data:|sourcesContent/,
      );
    }
  });

  it('reports its size', () => {
    const size = (path: string): number => {
      const stat = statSync(path);
      if (!stat.isDirectory()) return stat.size;
      return readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0);
    };
    const app = size(archive) + size(join(unpacked, 'resources', 'app.asar.unpacked'));
    console.log(
      `package: app.asar ${(size(archive) / 1e6).toFixed(2)} MB, app.asar.unpacked ` +
        `${(size(join(unpacked, 'resources', 'app.asar.unpacked')) / 1e3).toFixed(0)} kB, ` +
        `${files.length} files in the archive` +
        (placeholder ? ' (plus Electron itself, absent here: a placeholder)' : ''),
    );
    expect(app).toBeGreaterThan(100_000);
    expect(app).toBeLessThan(20_000_000);
  });
});

describe('the packaged embedded service', () => {
  const node24 = findNode24();
  it.skipIf(!('path' in node24))(
    `starts from the packaged files under Node 24 and answers Hello${'reason' in node24 ? ` (skipped: ${node24.reason})` : ''}`,
    async () => {
      if (!('path' in node24)) return;
      // The app as the utility process sees it: the archive's files with the unpacked ones,
      // in a folder with no node_modules above it.
      const app = join(work, 'app');
      asar.extractAll(archive, app);
      cpSync(join(unpacked, 'resources', 'app.asar.unpacked'), app, { recursive: true });
      const data = join(work, 'service-data');
      const service = await launchEmbeddedService({
        launcher: nodeProcessLauncher(node24.path),
        entry: join(app, 'dist', 'service', 'main.mjs'),
        dataDirectory: data,
        port: 0,
      });
      try {
        const client = new MeshServiceClient({ url: `${service.url}/.well-known/mmm/` });
        const hello = await client.call('Hello', {});
        expect(hello.ServiceKey.UDF).toMatch(/^[A-Z2-7-]+$/);
        expect(existsSync(join(data, 'mesh.db'))).toBe(true);
      } finally {
        await service.stop();
      }
    },
    60_000,
  );
});
