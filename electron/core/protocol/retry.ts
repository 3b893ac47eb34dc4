/**
 * Retries with exponential backoff and full jitter (the AWS "Exponential Backoff and Jitter"
 * scheme): attempt n waits a random time in [0, min(maxDelay, baseDelay * 2^n)), and at least
 * what the service asked for in Retry-After (capped by maxDelay). Bounded by maxAttempts.
 */
import { MeshError } from '../../../shared/errors';

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Total attempts including the first (1: never retry). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The default: 4 attempts, waits under 250 ms, 500 ms, 1 s (and never above 8 s). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
};

/** The wait before retry number `retry` (0 for the first retry). */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** Wait `ms`, or stop early with CANCELLED when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new MeshError('CANCELLED', 'the request was cancelled'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new MeshError('CANCELLED', 'the request was cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
