/**
 * Reading a request body within the size limit (DESIGN.md section 6): a declared Content-Length
 * over the limit is refused before any byte is read, and a body that grows past the limit is
 * refused as soon as it does; the rest is never buffered.
 */
import type { IncomingMessage } from 'node:http';
import { MeshError } from '../../shared/errors';

function tooLarge(limit: number): MeshError {
  return new MeshError('TOO_LARGE', `the request body is larger than ${limit} bytes`, { limit });
}

/** The body of `request`, at most `limit` bytes; MeshError TOO_LARGE otherwise. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > limit) {
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, length));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new MeshError('CANCELLED', 'the client went away', {}, { cause: error }));
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onError);
  });
}
