/**
 * One HTTP exchange with a Mesh service (docs/architecture.md section 5): POST the body, read the
 * answer with a size cap, all within a timeout and cancellable by an AbortSignal. Failures become
 * MeshError NETWORK (with whether the request may have reached the service), TIMEOUT or
 * CANCELLED. Uses node:http and node:https (the core runs in Node: Electron's main process, the
 * CLI).
 */
import http from 'node:http';
import https from 'node:https';
import { MeshError } from '../../../shared/errors';

/** The raw answer: HTTP status, the headers the client uses, and the body text. */
export interface HttpAnswer {
  readonly status: number;
  /** Location of an HTTP redirect. */
  readonly location: string | undefined;
  /** Retry-After in milliseconds, when the service sent one in seconds. */
  readonly retryAfterMs: number | undefined;
  readonly text: string;
}

/** Options of one exchange. */
export interface HttpExchangeOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Larger answers are refused (SERVICE_ERROR) rather than read into memory. */
  readonly maxResponseBytes: number;
}

// Failures that happen before a request leaves this machine: safe to retry any request.
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Keep-alive agents, one per scheme. An idle connection is closed after IDLE_MS, below the
 * service's own idle close (node:http's default of 5 s, which it announces in Keep-Alive), so a
 * request is not written on a connection the service is closing.
 */
const IDLE_MS = 4000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
};

/**
 * POST `body` to `url` and read the answer (docs/architecture.md section 5). node:http rather than
 * fetch: a request carries only Host, the caller's headers, Content-Length and Connection, about
 * 100 bytes fewer than fetch's fixed headers (accept, accept-language, accept-encoding,
 * sec-fetch-mode, user-agent) on every request of a sync.
 */
export async function postExchange(
  url: string,
  body: Uint8Array,
  options: HttpExchangeOptions,
): Promise<HttpAnswer> {
  if (options.signal?.aborted) throw new MeshError('CANCELLED', 'the request was cancelled');
  const target = new URL(url);
  const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new MeshError('INVALID_ARGUMENT', `not an http(s) URL: ${target.protocol}`, {
      field: 'url',
    });
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise<HttpAnswer>((resolve, reject) => {
      const request = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          agent,
          headers: { ...options.headers, 'content-length': String(body.length) },
          signal: controller.signal,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const declared = Number(response.headers['content-length'] ?? Number.NaN);
          if (declared > options.maxResponseBytes) {
            reject(tooLarge(options.maxResponseBytes));
            response.destroy();
            return;
          }
          const chunks: Buffer[] = [];
          let total = 0;
          response.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > options.maxResponseBytes) {
              reject(tooLarge(options.maxResponseBytes));
              response.destroy();
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('aborted', () => reject(new Error('the answer was cut short')));
          response.on('end', () => {
            try {
              resolve({
                status,
                location: header(response.headers.location),
                retryAfterMs: parseRetryAfter(header(response.headers['retry-after']) ?? null),
                text: utf8Text(Buffer.concat(chunks, total), status),
              });
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  } catch (error) {
    if (error instanceof MeshError) throw error;
    if (options.signal?.aborted) {
      throw new MeshError('CANCELLED', 'the request was cancelled', {}, { cause: error });
    }
    if (timedOut) {
      throw new MeshError(
        'TIMEOUT',
        `the service did not answer within ${options.timeoutMs} ms`,
        { timeoutMs: options.timeoutMs },
        { cause: error },
      );
    }
    const code = networkCode(error);
    throw new MeshError(
      'NETWORK',
      `cannot reach the service at ${target.host}${code === undefined ? '' : ` (${code})`}`,
      { reason: code ?? 'unknown', sent: code === undefined || !notSentCodes.has(code) },
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** One header's value (the first, when repeated). */
function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function utf8Text(bytes: Uint8Array, status: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new MeshError(
      'SERVICE_ERROR',
      'the service sent a malformed response: the body is not UTF-8',
      { reason: 'malformed-response', status },
      { cause: error },
    );
  }
}

function tooLarge(maxBytes: number): MeshError {
  return new MeshError('SERVICE_ERROR', `the service's response is larger than ${maxBytes} bytes`, {
    reason: 'response-too-large',
    maxBytes,
  });
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\s*\d{1,6}\s*$/.test(value)) return undefined;
  return Number(value) * 1000;
}

/** The errno-style code of a failure (on the error or its cause). */
function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
