/**
 * The contract between the bench and its load generator process: a plan in, a JSON outcome out
 * (one line on stdout starting with LOAD_OUTCOME_PREFIX).
 */
import { MeshError } from '../../shared/errors';

export interface LoadPlan {
  /** http://127.0.0.1:PORT/path: the bench sends traffic to loopback only. */
  readonly url: string;
  /** Request bodies, POSTed as application/json, cycled across requests. */
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export interface LoadOutcome {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly completed: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

export const LOAD_OUTCOME_PREFIX = 'LOAD_OUTCOME ';

/** Throws unless `url` is plain HTTP to 127.0.0.1: the bench never loads anything else. */
export function checkLoopback(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1') {
    throw new MeshError('INVALID_ARGUMENT', `the bench only sends traffic to 127.0.0.1: ${url}`);
  }
  return parsed;
}
