/**
 * `npm run dev:browser`: the renderer shell in any browser, from dist/renderer, with window.mesh
 * answered by the desktop's own generic dispatcher over a real device core (harness-device.ts)
 * and, unless MESH_SERVICE_URL names one, a real Mesh service in this process on loopback.
 * Options: --port N (default 5174).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseServiceSetting } from '../../../electron/app/service-setting';
import { startService, type TestService } from '../../flows/harness';
import { startHarnessDevice } from './harness-device';
import { startRendererHarness } from './renderer-harness';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 5174;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('dev:browser: --port takes a port number');
  process.exit(2);
}

let service: TestService | undefined;
let location = parseServiceSetting(process.env.MESH_SERVICE_URL);
if (location.kind === 'embedded') {
  service = await startService();
  location = { kind: 'configured', url: service.url };
}
const device = await startHarnessDevice({ location });
const harness = await startRendererHarness({
  rendererDir: join(root, 'dist', 'renderer'),
  dispatcher: device.dispatcher,
  port,
});
const forward = device.host.onEvent((message) => harness.emit(message));
console.log(`dev:browser: the renderer shell at ${harness.url} (loopback only); Ctrl+C stops it`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    forward();
    void harness
      .close()
      .then(() => device.close())
      .then(() => service?.close())
      .then(() => process.exit(0));
  });
}
