#!/usr/bin/env node
// The `mesh` bin: runs the bundled CLI (dist-node/cli/main.mjs, scripts/build.mjs buildCli),
// building it first when it is missing or older than its sources, as `npm start` does; so
// `npm run mesh -- ...` and `node electron/cli/bin.mjs ...` work from a fresh clone
// (electron/cli/README.md). MESH_CLI_SOURCE=1 runs the TypeScript through tsx instead.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, isNodeBundleStale, nodeDistDir } from '../../scripts/build.mjs';

if (process.env.MESH_CLI_SOURCE === '1') {
  (await import('tsx/esm/api')).register();
  await (await import('./main.ts')).main();
} else {
  const entry = join(nodeDistDir, 'cli', 'main.mjs');
  if (isNodeBundleStale(entry)) await buildCli();
  await (await import(pathToFileURL(entry).href)).main();
}
