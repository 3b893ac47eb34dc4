#!/usr/bin/env node
// `npm run service -- --port PORT --data DIR`: the Mesh service (service/main.ts) from its
// bundle, dist-node/service/main.mjs (scripts/build.mjs buildNodeService), built first when it is
// missing or older than its sources, as `npm start` does. No TypeScript compiled at start-up.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildNodeService, isNodeBundleStale, nodeDistDir } from './build.mjs';

const entry = join(nodeDistDir, 'service', 'main.mjs');
if (isNodeBundleStale(entry)) await buildNodeService();
await import(pathToFileURL(entry).href);
