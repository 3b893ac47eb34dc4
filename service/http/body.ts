/**
 * Reading a request body within the size limit (docs/architecture.md section 6): a declared
 * Content-Length over the limit is refused before any byte is read, and a body that grows past the
 * limit is refused as soon as it does; the rest is never buffered. The listeners are module
 * functions reading their state from the request (no closures per request: this runs on every
 * request).
 */
import type { IncomingMessage } from 'node:http';
import { MeshError } from '../../shared/errors';

function tooLarge(limit: number): MeshError {
  return new MeshError('TOO_LARGE', `the request body is larger than ${limit} bytes`, { limit });
}

/** Called once with the whole body, or with the error that ended the reading. */
export type BodyCallback = (error: MeshError | undefined, body: Buffer | undefined) => void;

interface BodyState {
  readonly limit: number;
  readonly done: BodyCallback;
  /** The only chunk so far (most bodies arrive in one), then the list of them. */
  first: Buffer | undefined;
  chunks: Buffer[] | undefined;
  length: number;
}

const bodyState = Symbol('mesh body state');
type ReadingRequest = IncomingMessage & { [bodyState]?: BodyState };

function finish(
  request: ReadingRequest,
  error: MeshError | undefined,
  body: Buffer | undefined,
): void {
  const state = request[bodyState];
  if (state === undefined) return;
  request[bodyState] = undefined;
  request.off('data', onData);
  request.off('end', onEnd);
  request.off('error', onError);
  request.off('aborted', onError);
  state.done(error, body);
}

function onData(this: ReadingRequest, chunk: Buffer): void {
  const state = this[bodyState];
  if (state === undefined) return;
  state.length += chunk.length;
  if (state.length > state.limit) {
    finish(this, tooLarge(state.limit), undefined);
  } else if (state.first === undefined && state.chunks === undefined) {
    state.first = chunk;
  } else {
    state.chunks ??= [state.first as Buffer];
    state.chunks.push(chunk);
  }
}

function onEnd(this: ReadingRequest): void {
  const state = this[bodyState];
  if (state === undefined) return;
  const body =
    state.chunks !== undefined
      ? Buffer.concat(state.chunks, state.length)
      : (state.first ?? Buffer.alloc(0));
  finish(this, undefined, body);
}

function onError(this: ReadingRequest, error?: Error): void {
  finish(
    this,
    new MeshError(
      'CANCELLED',
      'the client went away',
      {},
      error instanceof Error ? { cause: error } : undefined,
    ),
    undefined,
  );
}

/**
 * Read the body of `request`, at most `limit` bytes, and call `done` once: with the body, or with
 * MeshError TOO_LARGE (over the limit) or CANCELLED (the client went away).
 */
export function readBodyThen(request: IncomingMessage, limit: number, done: BodyCallback): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    done(tooLarge(limit), undefined);
    return;
  }
  (request as ReadingRequest)[bodyState] = {
    limit,
    done,
    first: undefined,
    chunks: undefined,
    length: 0,
  };
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onError);
  request.on('aborted', onError);
}

/** The body of `request`, at most `limit` bytes; MeshError TOO_LARGE otherwise. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readBodyThen(request, limit, (error, body) => {
      if (error === undefined && body !== undefined) resolve(body);
      else reject(error ?? new MeshError('CANCELLED', 'the client went away'));
    });
  });
}
