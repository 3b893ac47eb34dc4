/**
 * Small loopback HTTP servers standing in for a Mesh service in client tests: each test says
 * how to answer, including answers no honest service gives (hangs, garbage, 503s, forks).
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake service saw it. */
export interface SeenRequest {
  /** The single member name of the body, e.g. HelloRequest (or '' when the body is not JSON). */
  readonly name: string;
  readonly fields: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly path: string;
}

/** How to answer: a Mesh body (object) or raw text, with an HTTP status and headers. */
export interface FakeAnswer {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** 'hang': never answer; 'reset': drop the connection; else answer. */
export type FakeHandler = (
  request: SeenRequest,
  response: ServerResponse,
) => FakeAnswer | 'hang' | 'reset' | Promise<FakeAnswer | 'hang' | 'reset'>;

export interface FakeService {
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/** Start a fake service on 127.0.0.1 answering with `handler`. */
export async function startFakeService(handler: FakeHandler): Promise<FakeService> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let name = '';
      let fields: Record<string, unknown> = {};
      try {
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, Record<string, unknown>>;
        name = Object.keys(parsed)[0] ?? '';
        fields = parsed[name] ?? {};
      } catch {
        // not JSON: leave name empty
      }
      const seen = { name, fields, headers: req.headers, body, path: req.url ?? '' };
      requests.push(seen);
      void Promise.resolve(handler(seen, res)).then((answer) => {
        if (answer === 'hang') return;
        if (answer === 'reset') {
          req.socket.destroy();
          return;
        }
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status ?? 200, {
          'content-type': 'application/json',
          ...answer.headers,
        });
        res.end(text);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/mmm/`,
    port,
    requests,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A Mesh response body `{ "<name>": { Status, StatusDescription, ...fields } }`. */
export function meshAnswer(
  name: string,
  status: number,
  fields: Record<string, unknown> = {},
  description = status < 300 ? 'OK' : 'failed',
): FakeAnswer {
  return {
    status,
    body: { [name]: { Status: status, StatusDescription: description, ...fields } },
  };
}
