/**
 * The HTTP binding (DESIGN.md section 5): `POST /.well-known/mmm/`, a JSON body, the payload
 * Status mirrored as the HTTP status. Per request: the client's rate (503), the body limit (413,
 * without reading the rest), then the dispatcher. Tracks requests in flight so that close() can
 * let them finish.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMeshError } from '../../shared/errors';
import { encodeMeshResponse } from '../../shared/protocol/envelope';
import { STATUS, statusDescription } from '../../shared/protocol/status-codes';
import type { StatusCode } from '../../shared/protocol/status-codes';
import type { Logger } from '../logger';
import type { IncomingRequest, OutgoingResponse } from '../transactions/dispatch';
import { readBodyThen } from './body';
import { RateLimiter } from './rate-limit';

/** The path of the service (seed 001 section 7). */
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
  answer(request: IncomingRequest): Promise<OutgoingResponse>;
  /** The answer without dispatch when the body needs none (a plain Hello), else undefined. */
  answerAtOnce?(body: Uint8Array): OutgoingResponse | undefined;
}

/** Drain the unread rest of a refused body for at most this long before closing the socket. */
const LINGER_MS = 2000;

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

/** Write a whole reply at once: status, headers with its length, and the body bytes. */
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
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'content-length': bytes.length,
          connection: 'close',
        }
      : {
          'content-type': 'application/json; charset=utf-8',
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

/** The request listener, and a promise of the moment no request is in flight. */
export function createBinding(target: BindingTarget): {
  listener: (request: IncomingMessage, response: ServerResponse) => void;
  inFlight: () => number;
  idle: () => Promise<void>;
} {
  const limiter = new RateLimiter(target.requestsPerSecond, target.requestBurst);
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  function closed(this: TrackedResponse): void {
    inFlight--;
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
    const client = request.socket.remoteAddress ?? 'unknown';
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
        // Discard (never buffer) what the client is still sending, then close.
        request.resume();
        const timer = setTimeout(() => request.socket.destroy(), LINGER_MS);
        timer.unref();
        request.once('end', () => clearTimeout(timer));
      } else {
        request.socket.destroy();
      }
    });
  }

  return {
    listener: (request, response) => {
      inFlight++;
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
