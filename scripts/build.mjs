#!/usr/bin/env node
// `npm run build`: the desktop program into dist/ (docs/architecture.md section 8):
//  - the renderer with Vite (vite.config.ts) into dist/renderer;
//  - the main process and the preload with esbuild, each into ONE CommonJS file
//    (dist/electron/main.cjs, dist/electron/preload.cjs): a sandboxed preload cannot be an ES
//    module (docs/architecture.md section 13). `electron` and the native modules stay external.
//  - the Mesh service with esbuild into one ES module (dist/service/main.mjs): the desktop runs
//    it as its embedded local service, a utility process (electron/app/embedded-service.ts).
//    pg is bundled in; only better-sqlite3 stays external, imported only where Node has no
//    node:sqlite (service/storage/sqlite-driver.ts), so never in the desktop.
//  - for this machine's Node, into dist-node/: the `mesh` CLI (ES module with code splitting, so
//    each command loads only what it needs) and the service `npm run service` runs; the bins
//    (electron/cli/bin.mjs, scripts/service.mjs) rebuild them when a source is newer.
// Used as a module by scripts/start.mjs and the tests (buildRenderer, buildElectron, isStale).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

/**
 * Bundles run by this machine's Node rather than by Electron: the `mesh` CLI and the service as
 * `npm run service` runs it. They live outside dist/ so that the native modules they load
 * (better-sqlite3, keytar) resolve to the Node builds in node_modules, not to the Electron builds
 * scripts/start.mjs puts in dist/node_modules.
 */
export const nodeDistDir = join(root, 'dist-node');

/** `require` for CommonJS code bundled into an ES module. */
const nodeBundleBanner = `import { createRequire as __meshCreateRequire } from 'node:module';
const require = __meshCreateRequire(import.meta.url);`;

/**
 * Writes esbuild's output files, each through a rename, `entry` last: another process may be
 * running from the same folder while this one rebuilds it (two `mesh` at once, tests starting
 * `npm run service` side by side), and sees either the old program or the new one, whole.
 * Chunks are named by their content, so an old entry still finds its own.
 */
function writeOutputs({ outputFiles, metafile }, entry) {
  // The bundle's own source files (not node_modules), for isNodeBundleStale.
  const sources = Object.keys(metafile.inputs).filter((input) => !input.includes('node_modules'));
  const files = [
    ...outputFiles.filter((file) => file.path !== entry),
    { path: sourcesFile(entry), contents: Buffer.from(JSON.stringify(sources)) },
    ...outputFiles.filter((file) => file.path === entry),
  ];
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

/** Beside a Node bundle's entry, the list of the source files it was built from. */
function sourcesFile(entry) {
  return `${entry}.sources.json`;
}

/**
 * zod's `locales` namespace bundles the error messages of some fifty languages (about 300 kB
 * that every command using a schema would parse); the CLI speaks English, the only locale zod
 * itself loads (its `config(en())`), so the CLI bundle's `z.locales` holds `en` alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

/**
 * The `mesh` CLI with esbuild into `outDir` (default dist-node/cli): `main.mjs` plus chunks.
 * Code splitting makes each dynamic import() of the commands a chunk loaded only by the commands
 * that need it, so `mesh --help` reads a few kB, not the whole core (electron/cli/README.md).
 */
export async function buildCli({ outDir = join(nodeDistDir, 'cli') } = {}) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { main: 'electron/cli/main.ts' },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    write: false,
    metafile: true,
    format: 'esm',
    // ES module builds of the packages first: a CommonJS one reached by a dynamic import()
    // comes back wrapped in `default` (@zxcvbn-ts/core), and ESM is what splitting shares best.
    mainFields: ['module', 'main'],
    platform: 'node',
    target: 'node20',
    external: [...externalModules, ...serviceExternalModules],
    banner: { js: nodeBundleBanner },
    plugins: [zodEnglishOnly],
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  writeOutputs(result, join(outDir, 'main.mjs'));
  return outDir;
}

/**
 * The service as `npm run service` runs it (scripts/service.mjs), with esbuild into `outDir`
 * (default dist-node/service): `main.mjs`, built like dist/service/main.mjs.
 */
export async function buildNodeService({ outDir = join(nodeDistDir, 'service') } = {}) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: ['service/main.ts'],
    outfile: join(outDir, 'main.mjs'),
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: serviceExternalModules,
    banner: { js: nodeBundleBanner },
    legalComments: 'none',
    logLevel: 'warning',
    sourcemap: 'linked',
    absWorkingDir: root,
  });
  writeOutputs(result, join(outDir, 'main.mjs'));
  return outDir;
}

/**
 * True when the Node bundle `entry` is missing, or older than one of the source files it was built
 * from (the list esbuild gave, written beside it): a few hundred stats, not a walk of the tree,
 * since the bins check it on every run. A new source file is caught through the file that
 * imports it.
 */
export function isNodeBundleStale(entry) {
  let built;
  let sources;
  try {
    built = statSync(entry).mtimeMs;
    sources = JSON.parse(readFileSync(sourcesFile(entry), 'utf8'));
  } catch {
    return true;
  }
  if (!Array.isArray(sources)) return true;
  for (const source of sources) {
    const stat = statSync(join(root, source), { throwIfNoEntry: false });
    if (stat === undefined || stat.mtimeMs > built) return true;
  }
  return false;
}

/** Everything `npm start` needs. */
export async function buildAll() {
  await Promise.all([buildRenderer(), buildElectron(), buildService()]);
}

/** What `npm run build` makes besides the desktop program: the CLI and the Node service. */
export async function buildNodeBundles() {
  await Promise.all([buildCli(), buildNodeService()]);
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
    await Promise.all([buildAll(), buildNodeBundles()]);
    console.log(
      `build: dist/renderer, dist/electron, dist/service, dist-node/cli and dist-node/service in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
