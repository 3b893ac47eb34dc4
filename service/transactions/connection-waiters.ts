/**
 * Waiting on connection requests (docs/architecture.md section 7): ConnectStatus long polls wait
 * for a request to be answered, ConnectPending long polls for a new request of the account. One
 * subscription to each of the backend's events (in-process, and NOTIFY from other processes on
 * PostgreSQL) wakes every request waiting on that key.
 */
import type { StorageBackend } from '../storage/backend';

const key = (account: string, deviceId: string): string => `${account}\n${deviceId}`;

/** Wakers by key, each resolving one waiting request. */
class WakerSet {
  private readonly waiting = new Map<string, Set<() => void>>();

  wake(k: string): void {
    const wakers = this.waiting.get(k);
    if (wakers !== undefined) for (const wake of [...wakers]) wake();
  }

  wait(k: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wakers = this.waiting.get(k) ?? new Set<() => void>();
      this.waiting.set(k, wakers);
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wakers.delete(done);
        if (wakers.size === 0) this.waiting.delete(k);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** The long polls of one service process. */
export class ConnectionWaiters {
  private readonly answered = new WakerSet();
  private readonly requested = new WakerSet();
  private readonly stops: (() => void)[];

  constructor(backend: StorageBackend) {
    this.stops = [
      backend.onConnectionAnswered((account, deviceId) =>
        this.answered.wake(key(account, deviceId)),
      ),
      backend.onConnectionRequested((account) => this.requested.wake(account)),
    ];
  }

  /**
   * Resolve when the request of (account, deviceId) is answered, after `ms`, or when `signal`
   * aborts, whichever is first. The caller re-reads the state afterwards.
   */
  wait(account: string, deviceId: string, ms: number, signal: AbortSignal): Promise<void> {
    return this.answered.wait(key(account, deviceId), ms, signal);
  }

  /**
   * Resolve when a connection request of `account` is made, after `ms`, or when `signal` aborts,
   * whichever is first. The caller re-reads the pending requests afterwards.
   */
  waitForRequest(account: string, ms: number, signal: AbortSignal): Promise<void> {
    return this.requested.wait(account, ms, signal);
  }

  /** Stop listening to the backend. */
  close(): void {
    for (const stop of this.stops) stop();
  }
}
