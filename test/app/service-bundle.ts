/**
 * The built Mesh service for the embedded-service tests: scripts/build.mjs buildService into a
 * throwaway app folder, `<app>/dist/service/main.mjs`, laid out as in the app. The folder is
 * under node_modules/.cache, so the bundle's external modules (better-sqlite3, pg) resolve to the
 * root node_modules and their Node build, never to dist/node_modules, where `npm start` keeps
 * the Electron build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildService, root } from '../../scripts/build.mjs';

/** A built service in its own app folder. */
export interface ServiceBundle {
  /** The app folder: `dist/service/main.mjs` inside. */
  readonly appRoot: string;
  /** The built entry. */
  readonly entry: string;
  /** Write a small script beside the bundle (a stand-in service); returns its path. */
  script(name: string, text: string): string;
  remove(): void;
}

/** Build the service into a fresh app folder. */
export async function buildServiceBundle(): Promise<ServiceBundle> {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const appRoot = mkdtempSync(join(cache, 'mesh-test-app-'));
  const outDir = await buildService({ outDir: join(appRoot, 'dist', 'service') });
  return {
    appRoot,
    entry: join(outDir, 'main.mjs'),
    script(name, text) {
      const path = join(appRoot, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(appRoot, { recursive: true, force: true }),
  };
}
