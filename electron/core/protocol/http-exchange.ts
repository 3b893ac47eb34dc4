/**
 * One HTTP exchange with a Mesh service (docs/architecture.md section 5): POST the body, read the
 * answer with a size cap, all within a timeout and cancellable by an AbortSignal. Failures become
 * MeshError NETWORK (with whether the request may have reached the service), TIMEOUT or
 * CANCELLED. Uses the platform's fetch (undici in Node 20 and in Electron 45's Node 24).
 */
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

/** POST `body` to `url` and read the answer (docs/architecture.md section 5). */
export async function postExchange(
  url: string,
  body: Uint8Array,
  options: HttpExchangeOptions,
): Promise<HttpAnswer> {
  if (options.signal?.aborted) throw new MeshError('CANCELLED', 'the request was cancelled');
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: options.headers,
      body: new Uint8Array(body), // an ArrayBuffer-backed copy, as BodyInit requires
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await readCapped(response, options.maxResponseBytes);
    return {
      status: response.status,
      location: response.headers.get('location') ?? undefined,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      text,
    };
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
      `cannot reach the service at ${new URL(url).host}${code === undefined ? '' : ` (${code})`}`,
      { reason: code ?? 'unknown', sent: code === undefined || !notSentCodes.has(code) },
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new MeshError(
      'SERVICE_ERROR',
      'the service sent a malformed response: the body is not UTF-8',
      { reason: 'malformed-response', status: response.status },
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

/** The errno-style code of a fetch failure (undici puts it on the cause). */
function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
