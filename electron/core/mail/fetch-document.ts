import { MeshError } from '../../../shared/errors';

/**
 * Fetching an autoconfig document over HTTPS with the limits a client needs against a slow or
 * hostile server: a timeout, a size limit read as the body streams, and at most five
 * redirects, none to plain HTTP. Plain http:// is accepted only for loopback addresses
 * (tests, a local server).
 */

/** Returns the document text, or null when the server says there is none (404, 410). */
export type FetchDocument = (url: string) => Promise<string | null>;

export type FetchDocumentOptions = {
  /** Whole-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Largest body accepted (default 256 KiB). */
  maxBytes?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** The fetch to use (default: the platform's). */
  fetch?: typeof globalThis.fetch;
};

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

function allowedUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MeshError('INVALID_ARGUMENT', 'Not a URL.', { field: 'url' });
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    return url;
  }
  throw new MeshError('INVALID_ARGUMENT', 'Autoconfig documents are fetched over HTTPS only.', {
    field: 'url',
  });
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new MeshError('TOO_LARGE', 'The document is too large.', { limit: maxBytes });
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new MeshError('TOO_LARGE', 'The document is too large.', { limit: maxBytes });
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MeshError('INVALID_MESSAGE', 'The document is not UTF-8 text.', { field: 'body' });
  }
}

/** A FetchDocument over the platform fetch, with the limits above. */
export function createFetchDocument(options: FetchDocumentOptions = {}): FetchDocument {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return async (text) => {
    let url = allowedUrl(text);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    for (let hop = 0; ; hop += 1) {
      try {
        response = await fetchImpl(url, {
          signal,
          // Redirects are followed here, each target checked before it is contacted: a
          // redirect away from HTTPS would let anyone on the path choose the mail servers.
          redirect: 'manual',
          headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' },
        });
      } catch (error) {
        if (timeout.aborted) {
          throw new MeshError('TIMEOUT', `No answer from ${url.host} in time.`, { timeoutMs });
        }
        if (options.signal?.aborted) throw new MeshError('CANCELLED', 'Cancelled.', {});
        throw new MeshError(
          'NETWORK',
          `Could not reach ${url.host}.`,
          { host: url.host },
          {
            cause: error,
          },
        );
      }
      const location = response.headers.get('location');
      if (!redirectStatuses.has(response.status) || location === null) break;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) {
        throw new MeshError('NETWORK', `${url.host} redirects too often.`, { host: url.host });
      }
      url = allowedUrl(new URL(location, url).href);
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new MeshError('NETWORK', `${url.host} answered HTTP ${response.status}.`, {
        status: response.status,
      });
    }
    try {
      return await readLimited(response, maxBytes);
    } catch (error) {
      if (timeout.aborted) {
        throw new MeshError('TIMEOUT', `No answer from ${url.host} in time.`, { timeoutMs });
      }
      throw error;
    }
  };
}
