/**
 * Listeners for connection requests answered (ConnectStatus long polls) or newly made
 * (ConnectPending long polls): the in-process half; PostgreSQL adds NOTIFY from other processes.
 */
export class AnsweredListeners {
  private readonly listeners = new Set<(account: string, deviceId: string) => void>();

  /** Add a listener; returns its removal. */
  add(listener: (account: string, deviceId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell every listener. */
  emit(account: string, deviceId: string): void {
    for (const listener of this.listeners) listener(account, deviceId);
  }
}

/** The connection requests a write batch made (new or replacing, still Pending): to announce. */
export function requestedIn(writes: {
  readonly connections: readonly { account: string; deviceId: string; state: string }[];
}): { account: string; deviceId: string }[] {
  return writes.connections
    .filter((row) => row.state === 'Pending')
    .map(({ account, deviceId }) => ({ account, deviceId }));
}

/** A backend's listeners of both kinds, told what each committed batch answered and requested. */
export class ConnectionListeners {
  /** Connection requests answered (ConnectStatus long polls). */
  readonly answered = new AnsweredListeners();
  /** Connection requests made (ConnectPending long polls). */
  readonly requested = new AnsweredListeners();

  /** Tell the listeners what a committed batch's `writes` answered and requested. */
  announce(writes: {
    readonly answered: readonly { account: string; deviceId: string }[];
    readonly connections: readonly { account: string; deviceId: string; state: string }[];
  }): void {
    for (const { account, deviceId } of writes.answered) this.answered.emit(account, deviceId);
    for (const { account, deviceId } of requestedIn(writes)) this.requested.emit(account, deviceId);
  }
}
