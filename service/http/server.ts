/**
 * The HTTP binding (docs/architecture.md section 5): `POST /.well-known/mmm/`, a JSON body, the
 * payload Status mirrored as the HTTP status. Per request: the client's rate (503), the body limit
 * (413, without reading the rest), then the dispatcher. Tracks requests in flight so that close()
 * can let them finish.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isMeshError } from '../../shared/errors';
import { encodeMeshResponse } from '../../shared/protocol/envelope';
import { STATUS, statusDescription } from '../../shared/protocol/status-codes';
import type { StatusCode } from '../../shared/protocol/status-codes';
import type { Logger } from '../logger';
import type { IncomingRequest, OutgoingResponse } from '../transactions/dispatch';
import { readBodyThen } from './body';
import { RateLimiter } from './rate-limit';

/** The path of the service (draft-hallambaker-mesh-reference-03 section 7). */
export const SERVICE_PATH = '/.well-known/mmm/';

/** What the binding needs from the service. */
export interface BindingTarget {
  readonly maxRequestBytes: number;
  readonly requestsPerSecond: number;
  readonly requestBurst: number;
  readonly logger: Logger;
  /** Whether request lines are logged (debug level). */
  readonly debug: boolean;
  readonly clock: () => number;
  /** Aborted at shutdown. */
  readonly shutdown: AbortSignal;
  /** Proxies whose X-Forwarded-For names the source (service/config.ts trustedProxies). */
  readonly trustedProxies: ReadonlySet<string>;
  /** Most open connections from one source address (trusted proxies excepted). */
  readonly maxConnectionsPerSource: number;
  /** Web origins allowed to send requests (any other Origin is refused). */
  readonly allowedOrigins: ReadonlySet<string>;
  /** Host header values accepted besides loopback names when listening on loopback. */
  readonly allowedHosts: ReadonlySet<string>;
  answer(request: IncomingRequest): Promise<OutgoingResponse>;
  /** The answer without dispatch when the body needs none (a plain Hello), else undefined. */
  answerAtOnce?(body: Uint8Array): OutgoingResponse | undefined;
}

/**
 * Drain the unread rest of a refused body for at most this long, and at most LINGER_BYTES, before
 * closing the socket (as nginx's lingering close does), so the client reads the 413 instead of a
 * reset while it is still sending.
 */
const LINGER_MS = 5000;
const LINGER_BYTES = 64 * 1024 * 1024;

/** An address as the rate and connection limits key it (IPv4-mapped IPv6 as plain IPv4). */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The source of a request: the socket's peer, or, when that peer is a trusted proxy, the
 * right-most X-Forwarded-For address that is not itself a trusted proxy (RFC 7239 section 5.2
 * semantics; an address a client put further left is not believed).
 */
export function sourceOf(
  peer: string | undefined,
  forwarded: string | string[] | undefined,
  trusted: ReadonlySet<string>,
): string {
  let source = normalizeAddress(peer);
  if (!trusted.has(source) || forwarded === undefined) return source;
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress((hops[i] ?? '').trim());
    if (hop === '' || hop === 'unknown') break;
    source = hop;
    if (!trusted.has(hop)) break;
  }
  return source;
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/**
 * Why a request a web page could have sent is refused, or undefined: an Origin header that is not
 * allowed, a content type other than JSON (a simple cross-origin POST), a Host that is not a
 * loopback name while the service listens on loopback (DNS rebinding). An operator allows a web
 * client's origin with `allowedOrigins` and extra Host names with `allowedHosts`.
 */
export function webRefusal(
  request: IncomingMessage,
  allowedOrigins: ReadonlySet<string>,
  allowedHosts: ReadonlySet<string>,
): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigins.has(origin)) {
    return `requests from the web origin ${JSON.stringify(origin.slice(0, 200))} are refused`;
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return 'the Content-Type must be application/json';
  }
  const local = request.socket.localAddress;
  if (local !== undefined && /^(127\.|::1$|::ffff:127\.)/.test(local)) {
    const host = (request.headers.host ?? '').toLowerCase();
    if (!LOOPBACK_HOSTS.test(host) && !allowedHosts.has(host)) {
      return `the Host ${JSON.stringify(host.slice(0, 200))} is not this service's`;
    }
  }
  return undefined;
}

// Per-socket state: requests in flight on it (an idle socket has none) and its source.
const busy = Symbol('mesh requests in flight');
const sourceKey = Symbol('mesh connection source');
type TrackedSocket = Socket & { [busy]?: number; [sourceKey]?: string };

// Per-request state kept on the response, so its one 'close' listener needs no closure.
const abortOnClose = Symbol('mesh abort on close');
type TrackedResponse = ServerResponse & { [abortOnClose]?: AbortController };

/**
 * The request as the dispatcher sees it. A class, so that the lazily made abort signal costs
 * nothing per request unless a handler (a long poll) asks for it.
 */
class HttpIncoming implements IncomingRequest {
  #signal: AbortSignal | undefined;

  constructor(
    readonly body: Uint8Array,
    readonly authorization: string | undefined,
    readonly source: string,
    private readonly response: TrackedResponse,
    private readonly shutdown: AbortSignal,
  ) {}

  signal(): AbortSignal {
    if (this.#signal === undefined) {
      const controller = new AbortController();
      const { response } = this;
      if (response.destroyed && !response.writableFinished) controller.abort();
      else response[abortOnClose] = controller;
      this.#signal = AbortSignal.any([controller.signal, this.shutdown]);
    }
    return this.#signal;
  }
}

/**
 * Write a whole reply at once: status, headers with its length, and the body bytes. JSON is UTF-8
 * and application/json defines no charset parameter (RFC 8259 section 11), so none is sent.
 */
function send(
  response: ServerResponse,
  status: StatusCode,
  body: string | Buffer,
  close = false,
): void {
  if (response.headersSent || response.destroyed) return;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(
    status,
    close
      ? {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'content-length': bytes.length,
          connection: 'close',
        }
      : {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'content-length': bytes.length,
        },
  );
  response.end(bytes);
}

function meshFailure(status: StatusCode, description = statusDescription(status)): string {
  return encodeMeshResponse({ Status: status, StatusDescription: description });
}

interface Lingering {
  bytes: number;
  timer: NodeJS.Timeout;
}
const lingering = Symbol('mesh lingering close');
type LingeringRequest = IncomingMessage & { [lingering]?: Lingering };

function lingerData(this: LingeringRequest, chunk: Buffer): void {
  const state = this[lingering];
  if (state === undefined) return;
  state.bytes += chunk.length;
  if (state.bytes > LINGER_BYTES) this.socket.destroy();
}

function lingerEnd(this: LingeringRequest): void {
  const state = this[lingering];
  if (state !== undefined) clearTimeout(state.timer);
  this[lingering] = undefined;
}

function lingerThenClose(request: LingeringRequest): void {
  const timer = setTimeout(() => request.socket.destroy(), LINGER_MS);
  timer.unref();
  request[lingering] = { bytes: 0, timer };
  request.on('data', lingerData);
  request.once('end', lingerEnd);
  request.once('close', lingerEnd);
  request.resume();
}

/** The request listener, and a promise of the moment no request is in flight. */
export function createBinding(target: BindingTarget): {
  listener: (request: IncomingMessage, response: ServerResponse) => void;
  /** For the server's 'connection' event: the per-source connection cap. */
  connection: (socket: Socket) => void;
  /** For the server's 'timeout' event: close a socket that has no request in flight. */
  timeout: (socket: Socket) => void;
  /** Open connections per source (tests, logs). */
  connections: () => ReadonlyMap<string, number>;
  inFlight: () => number;
  idle: () => Promise<void>;
} {
  const limiter = new RateLimiter(target.requestsPerSecond, target.requestBurst);
  const perSource = new Map<string, number>();
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  function socketClosed(this: TrackedSocket): void {
    const source = this[sourceKey];
    if (source === undefined) return;
    const count = (perSource.get(source) ?? 1) - 1;
    if (count <= 0) perSource.delete(source);
    else perSource.set(source, count);
  }
  function closed(this: TrackedResponse): void {
    inFlight--;
    const socket = this.socket as TrackedSocket | null;
    if (socket !== null) socket[busy] = (socket[busy] ?? 1) - 1;
    if (!this.writableFinished) this[abortOnClose]?.abort();
    if (inFlight === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  }

  const failed = (response: ServerResponse, error: unknown): void => {
    target.logger.error('request failed', {
      error: error instanceof Error ? error.message : String(error),
    });
    send(response, STATUS.Internal, meshFailure(STATUS.Internal));
  };

  const debugLine = (outgoing: OutgoingResponse, started: number, bytes: number): void =>
    target.logger.debug('request', {
      transaction: outgoing.transaction,
      status: outgoing.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      bytes,
    });

  function answer(
    request: IncomingMessage,
    response: TrackedResponse,
    body: Buffer,
    started: number,
  ): void {
    const atOnce = target.answerAtOnce?.(body);
    if (atOnce !== undefined) {
      send(response, atOnce.status, atOnce.bytes ?? atOnce.body);
      if (target.debug) debugLine(atOnce, started, body.length);
      return;
    }
    const incoming = new HttpIncoming(
      body,
      request.headers.authorization,
      sourceOf(
        request.socket.remoteAddress,
        request.headers['x-forwarded-for'],
        target.trustedProxies,
      ),
      response,
      target.shutdown,
    );
    target.answer(incoming).then(
      (outgoing) => {
        send(response, outgoing.status, outgoing.bytes ?? outgoing.body);
        if (target.debug) debugLine(outgoing, started, body.length);
      },
      (error: unknown) => failed(response, error),
    );
  }

  function handle(request: IncomingMessage, response: TrackedResponse): void {
    const started = target.debug ? performance.now() : 0;
    const url = request.url ?? '';
    if (url !== SERVICE_PATH) {
      const path = url.split('?')[0];
      if (path !== SERVICE_PATH && path !== SERVICE_PATH.slice(0, -1)) {
        send(
          response,
          STATUS.NotFound,
          meshFailure(STATUS.NotFound, `no Mesh service at ${path ?? ''}`),
        );
        return;
      }
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      send(
        response,
        STATUS.BadRequest,
        meshFailure(STATUS.BadRequest, 'the Mesh service answers POST only'),
      );
      return;
    }
    const refusal = webRefusal(request, target.allowedOrigins, target.allowedHosts);
    if (refusal !== undefined) {
      send(response, STATUS.BadRequest, meshFailure(STATUS.BadRequest, refusal), true);
      request.resume();
      return;
    }
    const client = sourceOf(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      target.trustedProxies,
    );
    if (!limiter.take(client, target.clock())) {
      send(
        response,
        STATUS.Overloaded,
        meshFailure(STATUS.Overloaded, 'too many requests from this client'),
        true,
      );
      request.resume();
      return;
    }
    readBodyThen(request, target.maxRequestBytes, (error, body) => {
      if (body !== undefined) {
        answer(request, response, body, started);
      } else if (isMeshError(error, 'TOO_LARGE')) {
        send(response, STATUS.TooLarge, meshFailure(STATUS.TooLarge, error.message), true);
        // Discard (never buffer) what the client is still sending, for a bounded time and
        // amount, then close: the client reads the 413 rather than a reset mid-upload.
        lingerThenClose(request);
      } else {
        request.socket.destroy();
      }
    });
  }

  return {
    connection: (socket: TrackedSocket) => {
      const source = normalizeAddress(socket.remoteAddress);
      if (!target.trustedProxies.has(source)) {
        const count = (perSource.get(source) ?? 0) + 1;
        if (count > target.maxConnectionsPerSource) {
          socket.destroy();
          return;
        }
        perSource.set(source, count);
        socket[sourceKey] = source;
        socket.once('close', socketClosed);
      }
    },
    timeout: (socket: TrackedSocket) => {
      if ((socket[busy] ?? 0) <= 0) socket.destroy();
    },
    connections: () => perSource,
    listener: (request, response) => {
      inFlight++;
      const socket = request.socket as TrackedSocket;
      socket[busy] = (socket[busy] ?? 0) + 1;
      response.once('close', closed);
      try {
        handle(request, response);
      } catch (error) {
        failed(response, error);
      }
    },
    inFlight: () => inFlight,
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
  };
}
