/**
 * `npm run dev:browser`: the renderer in any browser on the real device core (dev-browser.ts).
 * Prints the URL to open, with this run's token; listens on 127.0.0.1 only.
 * Options: --port N (default 5174; 0 picks a free one).
 */
import { fileURLToPath } from 'node:url';
import { startDevBrowser } from './dev-browser';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 5174;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('dev:browser: --port takes a port number');
  process.exit(2);
}

const dev = await startDevBrowser({ root, env: process.env, port });
console.log(`dev:browser: open ${dev.harness.url} (loopback only; Ctrl+C stops it)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void dev.close().then(() => process.exit(0));
  });
}
