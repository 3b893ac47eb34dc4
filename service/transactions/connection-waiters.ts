/**
 * Waiting for a connection request to be answered (ConnectStatus long poll, DESIGN.md section 7):
 * one subscription to the backend's "answered" events (in-process, and NOTIFY from other
 * processes on PostgreSQL) wakes every request waiting on that account and device.
 */
import type { StorageBackend } from '../storage/backend';

const key = (account: string, deviceId: string): string => `${account}\n${deviceId}`;

/** The long polls of one service process. */
export class ConnectionWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly stop: () => void;

  constructor(backend: StorageBackend) {
    this.stop = backend.onConnectionAnswered((account, deviceId) => {
      const wakers = this.waiting.get(key(account, deviceId));
      if (wakers !== undefined) for (const wake of [...wakers]) wake();
    });
  }

  /**
   * Resolve when the request of (account, deviceId) is answered, after `ms`, or when `signal`
   * aborts, whichever is first. The caller re-reads the state afterwards.
   */
  wait(account: string, deviceId: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const k = key(account, deviceId);
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

  /** Stop listening to the backend. */
  close(): void {
    this.stop();
  }
}
