/**
 * Long polling (docs/architecture.md section 7: "the new device learns the result through
 * ConnectStatus (long poll, so it completes within a second of the click)"): ask the service to
 * hold the request until there is news or WaitSeconds pass, and ask again until the caller's budget
 * is spent. A service that answers at once without news is not hammered: early answers back off.
 */
import type { ConnectStatusResponse } from '../../../shared/protocol/messages/connect-status';
import type { MeshServiceClient, CallOptions } from './mesh-service-client';
import { sleep } from './retry';

/** Budget and pacing of a long poll. */
export interface LongPollOptions {
  /** How long to wait in all, in seconds. */
  readonly totalSeconds: number;
  /** Longest single poll (the service's Limits.MaxWaitSeconds; default 30). */
  readonly maxWaitSeconds?: number;
  readonly signal?: AbortSignal;
  /** Shortest gap between polls when the service answers early without news (default 250 ms). */
  readonly minIntervalMs?: number;
  /** Extra time beyond WaitSeconds before one poll counts as timed out (default 10 s). */
  readonly graceMs?: number;
}

/**
 * Poll until `isDone` holds for an answer or the budget is spent; returns the last answer
 * (which the caller reads as "still waiting" when not done). Failures of a poll propagate.
 */
export async function longPoll<T>(
  poll: (waitSeconds: number, timeoutMs: number) => Promise<T>,
  isDone: (answer: T) => boolean,
  options: LongPollOptions,
): Promise<T> {
  const deadline = Date.now() + options.totalSeconds * 1000;
  const maxWait = options.maxWaitSeconds ?? 30;
  const minInterval = options.minIntervalMs ?? 250;
  const grace = options.graceMs ?? 10_000;
  let idle = minInterval;
  for (;;) {
    const remainingMs = Math.max(0, deadline - Date.now());
    const waitSeconds = Math.min(maxWait, Math.ceil(remainingMs / 1000));
    const started = Date.now();
    const answer = await poll(waitSeconds, waitSeconds * 1000 + grace);
    if (isDone(answer) || Date.now() >= deadline) return answer;
    const held = Date.now() - started;
    if (held < (waitSeconds * 1000) / 2) {
      // The service did not hold the request: pace ourselves, up to 2 s between polls.
      await sleep(Math.min(idle, Math.max(0, deadline - Date.now())), options.signal);
      idle = Math.min(idle * 2, 2_000);
    } else {
      idle = minInterval;
    }
    if (Date.now() >= deadline) return answer;
  }
}

/**
 * Wait for the answer to this device's connection request (draft-hallambaker-mesh-reference-03
 * section 7.12; docs/architecture.md section 7). Returns the ConnectStatusResponse: Pending false
 * with the signed Result once an administrator answered, or Pending true when `totalSeconds` passed
 * first. The Result is not yet verified: the caller checks its signature chain before trusting it.
 */
export function awaitConnectionResult(
  client: MeshServiceClient,
  request: { AccountID: string; DeviceID: string },
  options: LongPollOptions & Pick<CallOptions, 'signer'>,
): Promise<ConnectStatusResponse> {
  return longPoll(
    (waitSeconds, timeoutMs) =>
      client.call(
        'ConnectStatus',
        { ...request, WaitSeconds: waitSeconds },
        {
          timeoutMs,
          ...(options.signal !== undefined && { signal: options.signal }),
          ...(options.signer !== undefined && { signer: options.signer }),
        },
      ),
    (answer) => !answer.Pending,
    options,
  );
}
