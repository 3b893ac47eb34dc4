/**
 * Enrollment that strangers cannot block (docs/architecture.md section 7;
 * draft-hallambaker-mesh-protocol section 7.11 leaves admission policy to the service).
 * ConnectStart needs only an account's name, so the pending requests of an account are shared by
 * everyone who knows it. The rules:
 *
 * - a request that proves a registered PIN always gets a place: it pushes out an unproven one
 *   when the account is full, and is never refused for lack of room;
 * - one source (client address, after trusted proxies) holds at most `maxPendingPerSource`
 *   unproven requests of an account: its next one pushes out its own oldest;
 * - when the account is full, a new request pushes out the oldest unproven request of the source
 *   holding the most of them, so a source with one request (the owner's device) goes last;
 * - unproven requests live `unprovenLifetimeMs` (10 minutes by default), proven ones longer;
 * - the administrator dismisses all unproven requests at once (ConnectDismiss).
 *
 * Which source made a request is kept in memory only (an address never enters the public log):
 * after a restart the earlier requests count as one unknown source.
 */
import type { ConnectionRow } from '../storage/rows';

const key = (account: string, deviceId: string): string => `${account}\n${deviceId}`;

/** The source of each pending request, in memory. */
export class EnrollmentSources {
  private readonly sources = new Map<string, { source: string; expires: number }>();
  private nextSweep = 0;

  /** The source that made the request, or 'unknown' (made before a restart). */
  of(account: string, deviceId: string): string {
    return this.sources.get(key(account, deviceId))?.source ?? 'unknown';
  }

  set(account: string, deviceId: string, source: string, expires: number, now: number): void {
    if (now >= this.nextSweep) {
      for (const [k, entry] of this.sources) if (entry.expires <= now) this.sources.delete(k);
      this.nextSweep = now + 60_000;
    }
    this.sources.set(key(account, deviceId), { source, expires });
  }

  forget(account: string, deviceId: string): void {
    this.sources.delete(key(account, deviceId));
  }
}

/** What a new request needs to be admitted. */
export interface Admission {
  /** Requests to push out (their lifetime ends now). */
  readonly evict: readonly ConnectionRow[];
  /** False when there is no room and nothing may be pushed out (503). */
  readonly admitted: boolean;
}

/**
 * Decide the admission of a new request from `source` (`proven`: it carries a valid PIN proof),
 * given the other live pending requests of the account, oldest first.
 */
export function admit(
  pending: readonly ConnectionRow[],
  proven: boolean,
  source: string,
  sourceOf: (row: ConnectionRow) => string,
  limits: { readonly maxPending: number; readonly maxPerSource: number },
): Admission {
  const evicted = new Set<ConnectionRow>();
  const unproven = pending.filter((row) => !row.pinVerified);
  if (!proven) {
    const mine = unproven.filter((row) => sourceOf(row) === source);
    for (let i = 0; mine.length - i >= limits.maxPerSource && i < mine.length; i++) {
      evicted.add(mine[i] as ConnectionRow);
    }
  }
  let remaining = pending.length - evicted.size;
  while (remaining >= limits.maxPending) {
    const counts = new Map<string, number>();
    for (const row of unproven) {
      if (!evicted.has(row)) counts.set(sourceOf(row), (counts.get(sourceOf(row)) ?? 0) + 1);
    }
    let victim: ConnectionRow | undefined;
    let most = 0;
    for (const row of unproven) {
      if (evicted.has(row)) continue;
      const count = counts.get(sourceOf(row)) ?? 0;
      if (count > most) {
        most = count;
        victim = row;
      }
    }
    if (victim === undefined) return { evict: [...evicted], admitted: proven };
    evicted.add(victim);
    remaining--;
  }
  return { evict: [...evicted], admitted: true };
}
