/** Listeners for answered connection requests, the in-process half of ConnectStatus long polls. */
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
