/**
 * The yardstick server: plain node:http answering every request with the same fixed bytes the
 * Mesh service answered (docs/architecture.md section 10). It reads the request body, as the
 * service must, then replies. `node --import tsx bench/http/bare-server.ts <response.json>`; prints
 * `listening on http://127.0.0.1:PORT`. Stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { FixedResponse } from './fixed-response';
import { decodeFixedResponse } from './fixed-response';

const file = process.argv[2];
if (!file) {
  console.error('usage: bare-server.ts <response.json>');
  process.exit(2);
}
const response: FixedResponse = decodeFixedResponse(readFileSync(file, 'utf8'));
const headers = { ...response.headers, 'content-length': String(response.body.length) };

const server = http.createServer((request, reply) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    reply.writeHead(response.status, headers);
    reply.end(response.body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`listening on http://127.0.0.1:${port}`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
