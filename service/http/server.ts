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
import { readBody } from './body';
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
}

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** Drain the unread rest of a refused body for at most this long before closing the socket. */
const LINGER_MS = 2000;

/** The request listener, and a promise of the moment no request is in flight. */
export function createBinding(target: BindingTarget): {
  listener: (request: IncomingMessage, response: ServerResponse) => void;
  inFlight: () => number;
  idle: () => Promise<void>;
} {
  const limiter = new RateLimiter(target.requestsPerSecond, target.requestBurst);
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const finished = (): void => {
    inFlight--;
    if (inFlight === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  };

  const send = (
    response: ServerResponse,
    status: StatusCode,
    body: string,
    close = false,
  ): void => {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(status, {
      ...HEADERS,
      'content-length': Buffer.byteLength(body),
      ...(close ? { connection: 'close' } : {}),
    });
    response.end(body);
  };

  const meshFailure = (status: StatusCode, description = statusDescription(status)): string =>
    encodeMeshResponse({ Status: status, StatusDescription: description });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = target.debug ? performance.now() : 0;
    const path = (request.url ?? '').split('?')[0];
    if (path !== SERVICE_PATH && path !== SERVICE_PATH.slice(0, -1)) {
      send(
        response,
        STATUS.NotFound,
        meshFailure(STATUS.NotFound, `no Mesh service at ${path ?? ''}`),
      );
      return;
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
    let body: Buffer;
    try {
      body = await readBody(request, target.maxRequestBytes);
    } catch (error) {
      if (isMeshError(error, 'TOO_LARGE')) {
        send(response, STATUS.TooLarge, meshFailure(STATUS.TooLarge, error.message), true);
        // Discard (never buffer) what the client is still sending, then close.
        request.resume();
        const timer = setTimeout(() => request.socket.destroy(), LINGER_MS);
        timer.unref();
        request.once('end', () => clearTimeout(timer));
      } else {
        request.socket.destroy();
      }
      return;
    }
    // The abort signal is made only if a handler asks for it (a long poll): most never do.
    let closedEarly = false;
    let controller: AbortController | undefined;
    let signal: AbortSignal | undefined;
    response.once('close', () => {
      if (response.writableFinished) return;
      closedEarly = true;
      controller?.abort();
    });
    const authorization = request.headers.authorization;
    const answer = await target.answer({
      body,
      ...(authorization === undefined ? {} : { authorization }),
      signal: () => {
        if (signal === undefined) {
          controller = new AbortController();
          if (closedEarly) controller.abort();
          signal = AbortSignal.any([controller.signal, target.shutdown]);
        }
        return signal;
      },
    });
    send(response, answer.status, answer.body);
    if (target.debug) {
      target.logger.debug('request', {
        transaction: answer.transaction,
        status: answer.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        bytes: body.length,
      });
    }
  }

  return {
    listener: (request, response) => {
      inFlight++;
      response.once('close', finished);
      handle(request, response).catch((error: unknown) => {
        target.logger.error('request failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        send(response, STATUS.Internal, meshFailure(STATUS.Internal));
      });
    },
    inFlight: () => inFlight,
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
  };
}
