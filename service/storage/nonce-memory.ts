/**
 * The in-memory replay cache of request nonces (docs/module-contracts.md section 3) for a backend
 * served by one process. Entries are dropped once their authentication window has passed.
 */
export class NonceMemory {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  /** Remember (device, nonce) until `expires`; false if it is remembered already. */
  claim(device: string, nonce: string, expires: number, now: number): boolean {
    if (now >= this.nextSweep) this.sweep(now);
    const key = `${device}\n${nonce}`;
    const known = this.seen.get(key);
    if (known !== undefined && known > now) return false;
    this.seen.set(key, expires);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, expires] of this.seen) if (expires <= now) this.seen.delete(key);
    this.nextSweep = now + 10_000;
  }
}
