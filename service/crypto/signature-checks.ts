/**
 * Where the service's Ed25519 signature checks run (docs/architecture.md section 10).
 *
 * A check costs about 70 µs of CPU, the largest single cost of a Publish, and the event loop is
 * what bounds the service under load. So the checks asked for during one turn of the event loop
 * are collected and, at the end of that turn (setImmediate), either:
 *   - run here, on a quiet service: the only check of its turn, none in the pool, and none
 *     that came together with others in the last BUSY_MS (no thread hop added to the latency of
 *     one request), or
 *   - handed to libuv's thread pool (node:crypto verify with a callback), one job each, on a
 *     busy one (the event loop goes on parsing, answering and batching while the other core
 *     checks signatures). Under load, requests finish one per turn as often as several, so a
 *     service stays "busy" for BUSY_MS after checks last came together.
 * The result is the same either way: node:crypto's RFC 8032 verification of the same bytes.
 */
import type { KeyObject } from 'node:crypto';
import { verify } from 'node:crypto';

interface Check {
  readonly data: Uint8Array;
  readonly key: KeyObject;
  readonly signature: Uint8Array;
  readonly resolve: (valid: boolean) => void;
}

/** How long after checks last came together the service counts as busy. */
const BUSY_MS = 50;

let waiting: Check[] = [];
let flushScheduled = false;
let inPool = 0;
let busyUntil = 0;

/** How many checks are in the thread pool now (for tests). */
export function checksInPool(): number {
  return inPool;
}

function verifyHere(check: Check): boolean {
  try {
    return verify(null, check.data, check.key, check.signature);
  } catch {
    return false;
  }
}

function toPool(check: Check): void {
  inPool += 1;
  try {
    verify(null, check.data, check.key, check.signature, (error, valid) => {
      inPool -= 1;
      check.resolve(error === null && valid);
    });
  } catch {
    inPool -= 1;
    check.resolve(false);
  }
}

function flush(): void {
  flushScheduled = false;
  const checks = waiting;
  waiting = [];
  const now = performance.now();
  if (checks.length > 1 || inPool > 0) busyUntil = now + BUSY_MS;
  const only = checks[0];
  if (checks.length === 1 && only !== undefined && now >= busyUntil) {
    only.resolve(verifyHere(only));
    return;
  }
  for (const check of checks) toPool(check);
}

/**
 * Whether `signature` is a valid Ed25519 signature of `data` by `key` (RFC 8032), checked on this
 * thread or in the thread pool as described above. Never rejects: false when it does not verify.
 */
export function checkSignature(
  data: Uint8Array,
  key: KeyObject,
  signature: Uint8Array,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    waiting.push({ data, key, signature, resolve });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });
}
