/**
 * `npm run dev:browser`: the renderer shell in any browser, from dist/renderer, with window.mesh
 * answered by the desktop's own IPC handlers (shell backend) over the harness's loopback bridge.
 * Options: --port N (default 5174).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMeshHandlers } from '../../../electron/app/handlers';
import { parseServiceSetting } from '../../../electron/app/service-setting';
import { createShellBackend } from '../../../electron/app/shell-backend';
import { harnessIdentity, startRendererHarness } from './renderer-harness';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 5174;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('dev:browser: --port takes a port number');
  process.exit(2);
}

const backend = createShellBackend(parseServiceSetting(process.env.MESH_SERVICE_URL));
const harness = await startRendererHarness({
  rendererDir: join(root, 'dist', 'renderer'),
  handlers: createMeshHandlers(backend, harnessIdentity()),
  port,
});
console.log(`dev:browser: the renderer shell at ${harness.url} (loopback only); Ctrl+C stops it`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void harness.close().then(() => process.exit(0));
  });
}
