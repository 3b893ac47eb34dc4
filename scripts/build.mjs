#!/usr/bin/env node
// `npm run build`: the desktop program into dist/ (DESIGN.md section 8):
//  - the renderer with Vite (vite.config.ts) into dist/renderer;
//  - the main process and the preload with esbuild, each into ONE CommonJS file
//    (dist/electron/main.cjs, dist/electron/preload.cjs): a sandboxed preload cannot be an ES
//    module (shared/REFERENCE.md). `electron` and the native modules stay external.
//  - the Mesh service with esbuild into one ES module (dist/service/main.mjs): the desktop runs
//    it as its embedded local service, a utility process (electron/app/embedded-service.ts).
//    pg is bundled in; only better-sqlite3 stays external, imported only where Node has no
//    node:sqlite (service/storage/sqlite-driver.ts), so never in the desktop.
// Used as a module by scripts/start.mjs and the tests (buildRenderer, buildElectron, isStale).
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'dist');

/**
 * Modules that must be required at run time, not bundled: Electron itself and native code.
 * better-sqlite3 is imported only under a Node without node:sqlite (the tests' Node 20), never
 * under Electron (electron/core/store/sqlite-driver.ts), so the package does not carry it.
 */
export const externalModules = ['electron', 'keytar', 'better-sqlite3'];
/** Of those, the ones a packaged desktop never loads (see above), so the package leaves out. */
export const nodeOnlyModules = ['better-sqlite3'];

/** The renderer with Vite into `outDir` (default dist/renderer). */
export async function buildRenderer({ outDir = join(distDir, 'renderer') } = {}) {
  const { build } = await import('vite');
  // Vite and React take production mode from NODE_ENV, which a test process sets to 'test'.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      mode: 'production',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

/** The main process and the preload with esbuild into `outDir` (default dist/electron). */
export async function buildElectron({ outDir = join(distDir, 'electron') } = {}) {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    external: externalModules,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
  };
  await Promise.all([
    // Electron 45 runs Node 24 in the main process.
    esbuild.build({
      ...common,
      entryPoints: ['electron/app/main.ts'],
      outfile: join(outDir, 'main.cjs'),
      target: 'node24',
      sourcemap: 'linked',
    }),
    // The preload runs in the sandboxed renderer (Chromium of Electron 45).
    esbuild.build({
      ...common,
      entryPoints: ['electron/app/preload.ts'],
      outfile: join(outDir, 'preload.cjs'),
      target: 'es2023',
    }),
  ]);
  mkdirSync(outDir, { recursive: true });
  copyFileSync(join(root, 'build', 'icon.png'), join(outDir, 'icon.png'));
  return outDir;
}

/**
 * Modules the service bundle requires at run time: better-sqlite3 (Node without node:sqlite
 * only), and pg-native, which pg asks for only when its native mode is used (never here).
 */
export const serviceExternalModules = ['better-sqlite3', 'pg-native'];

/**
 * Prepended to the service bundle. `require` for any CommonJS code bundled into the ES module;
 * and, for the embedded service only (MESH_SERVICE_STOP_ON_STDIN_END=1, set by the desktop),
 * a clean stop when stdin ends: the desktop holds that pipe, so if it dies without stopping the
 * service, the service does not linger holding its port and its data directory's lock.
 */
const serviceBanner = `import { createRequire as __meshCreateRequire } from 'node:module';
const require = __meshCreateRequire(import.meta.url);
if (process.env.MESH_SERVICE_STOP_ON_STDIN_END === '1') {
  process.stdin.on('end', () => {
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
    else process.exit(0);
  });
  process.stdin.resume();
}`;

/** The Mesh service with esbuild into `outDir` (default dist/service): `main.mjs`. */
export async function buildService({ outDir = join(distDir, 'service') } = {}) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: ['service/main.ts'],
    outfile: join(outDir, 'main.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    // Run by Electron's Node 24 in the desktop, by Node 20 in the tests.
    target: 'node20',
    external: serviceExternalModules,
    banner: { js: serviceBanner },
    legalComments: 'none',
    logLevel: 'warning',
    sourcemap: 'linked',
    absWorkingDir: root,
  });
  return outDir;
}

/** Everything `npm start` needs. */
export async function buildAll() {
  await Promise.all([buildRenderer(), buildElectron(), buildService()]);
}

/** Where the program's sources live: a change under any of them makes the build stale. */
const sourceRoots = [
  'renderer',
  'shared',
  'electron/app',
  'electron/core',
  'service',
  'vite.config.ts',
  'build/icon.png',
];
/** The outputs of a complete build. */
const outputs = [
  'renderer/index.html',
  'electron/main.cjs',
  'electron/preload.cjs',
  'service/main.mjs',
].map((p) => join(distDir, p));

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts') || entry.endsWith('.md')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when an output is missing or older than a source. */
export function isStale() {
  if (!outputs.every((path) => existsSync(path))) return true;
  const oldestOutput = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  const newestSource = Math.max(...sourceRoots.map((path) => newestMtime(join(root, path))));
  return newestSource > oldestOutput;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  try {
    await buildAll();
    console.log(
      `build: dist/renderer, dist/electron and dist/service in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
