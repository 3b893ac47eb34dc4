/**
 * The browser harness: serves the built renderer on loopback with the same `app://` handler the
 * Electron main process uses (so the same CSP headers and path checks), and answers
 * `window.mesh` over a local bridge with the same generic IPC dispatcher (harness-device.ts
 * builds it over a real device core). A page opened here talks to the real contract; only the
 * transport differs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { createAppProtocolHandler, APP_HOST, APP_SCHEME } from '../../../electron/app/app-protocol';
import { securityHeaders } from '../../../electron/app/content-security-policy';
import type { AppIdentity } from '../../../electron/app/desktop-api';
import {
  meshEventNames,
  meshEvents,
  meshMethodNames,
  type MeshEventMessage,
} from '../../../shared/ipc/contract';
import type { MeshNames } from '../../../shared/ipc/names';
import { meshFailure, type MeshDispatcher } from '../../../shared/ipc/dispatcher';

export interface RendererHarness {
  /** The page's URL: `http://127.0.0.1:PORT/`, with `#token=…` when a token guards the bridge. */
  readonly url: string;
  /** Pushes an event to every connected page, as the main process would. */
  emit(message: MeshEventMessage): void;
  /** Resolves when the next page subscribes to events. */
  nextEventClient(): Promise<void>;
  /** Every request the bridge received, in order, as sent. */
  readonly requests: readonly unknown[];
  close(): Promise<void>;
}

export interface RendererHarnessOptions {
  /** The built renderer (dist/renderer, or a test's own build). */
  rendererDir: string;
  /** The IPC dispatcher answering window.mesh (harness-device.ts, or a test's own). */
  dispatcher: MeshDispatcher;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * A secret the page must show on every bridge request (`npm run dev:browser` makes a random
   * one per run and prints it in the URL's fragment); absent, only the origin is checked.
   */
  token?: string;
}

const MAX_REQUEST_BYTES = 64 * 1024;
const BRIDGE_PATH = '/__mesh/bridge.js';

/** The identity app.info reports outside Electron: this package's name and version. */
export function harnessIdentity(): AppIdentity {
  const manifest = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return {
    name: 'Mesh Desktop',
    version: manifest.version,
    platform: process.platform,
    arch: process.arch,
    electron: null,
  };
}

async function bundleBridge(): Promise<string> {
  const names: MeshNames = { methods: meshMethodNames, events: meshEventNames };
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./browser-bridge.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
    define: { __MESH_NAMES__: JSON.stringify(names) },
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('the bridge script did not build');
  return output.text;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('request too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { ...securityHeaders(), 'Content-Type': 'application/json' });
  response.end(JSON.stringify(value));
}

/** Starts the harness on 127.0.0.1 (never another address). */
export async function startRendererHarness(
  options: RendererHarnessOptions,
): Promise<RendererHarness> {
  const serveFile = createAppProtocolHandler(options.rendererDir);
  const dispatcher = options.dispatcher;
  const bridgeScript = await bundleBridge();
  const eventClients = new Set<ServerResponse>();
  const clientWaiters: (() => void)[] = [];
  const requests: unknown[] = [];
  let origin = '';

  const token = options.token;
  const tokenMatches = (given: string | undefined | null): boolean => {
    if (token === undefined) return true;
    if (typeof given !== 'string' || given.length !== token.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(token));
  };

  const handleInvoke = async (request: IncomingMessage, response: ServerResponse) => {
    // The harness's counterpart of the main process's sender check: only our own page, and
    // (dev:browser) only a page that was given this run's token.
    const given = request.headers['x-mesh-token'];
    if (request.headers.origin !== origin || !tokenMatches(Array.isArray(given) ? null : given)) {
      sendJson(response, 403, meshFailure('UNAUTHORIZED', 'This page may not call Mesh Desktop'));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      sendJson(
        response,
        400,
        meshFailure('INVALID_ARGUMENT', 'Bad request: not JSON', { field: 'request' }),
      );
      return;
    }
    requests.push(body);
    sendJson(response, 200, await dispatcher(body));
  };

  const handleEvents = (request: IncomingMessage, response: ServerResponse) => {
    const query = new URL(request.url ?? '/', origin).searchParams;
    if (!tokenMatches(query.get('token'))) {
      response.writeHead(403, securityHeaders());
      response.end();
      return;
    }
    response.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
    });
    response.write(': connected\n\n');
    eventClients.add(response);
    request.on('close', () => eventClients.delete(response));
    for (const waiter of clientWaiters.splice(0)) waiter();
  };

  const handleStatic = async (request: IncomingMessage, response: ServerResponse) => {
    const answer = await serveFile(
      new Request(`${APP_SCHEME}://${APP_HOST}${request.url ?? '/'}`, { method: request.method }),
    );
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let body = Buffer.from(await answer.arrayBuffer());
    const isPage = answer.status === 200 && headers['content-type']?.startsWith('text/html');
    if (isPage) {
      // The bridge runs first, as a preload would: a classic script before the module scripts.
      const html = body
        .toString('utf8')
        .replace(/<script\b/, `<script src=".${BRIDGE_PATH}"></script>\n    <script`);
      body = Buffer.from(html, 'utf8');
      headers['content-length'] = String(body.length);
    }
    response.writeHead(answer.status, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    let work: Promise<void> | void = undefined;
    if (path === '/__mesh/invoke' && request.method === 'POST')
      work = handleInvoke(request, response);
    else if (path === '/__mesh/events' && request.method === 'GET')
      work = handleEvents(request, response);
    else if (path === BRIDGE_PATH && request.method === 'GET') {
      response.writeHead(200, { ...securityHeaders(), 'Content-Type': 'text/javascript' });
      response.end(bridgeScript);
    } else work = handleStatic(request, response);
    Promise.resolve(work).catch((error: unknown) => {
      console.error(`harness: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: token === undefined ? `${origin}/` : `${origin}/#token=${token}`,
    requests,
    emit(message) {
      const payload = meshEvents[message.event].parse(message.payload);
      const data = `data: ${JSON.stringify({ event: message.event, payload })}\n\n`;
      for (const client of eventClients) client.write(data);
    },
    nextEventClient() {
      return new Promise((resolve) => clientWaiters.push(resolve));
    },
    async close() {
      for (const client of eventClients) client.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
