/**
 * The request rate of each client (docs/architecture.md section 6: request rate per client, 503
 * above): a token bucket per client address, refilled at `perSecond` up to `burst`. Buckets of
 * quiet clients are dropped so the table stays small.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private nextSweep = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Take one token for `client`; false when it has none (answer 503). */
  take(client: string, now: number): boolean {
    if (this.perSecond <= 0) return true;
    if (now >= this.nextSweep) this.sweep(now);
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private sweep(now: number): void {
    const full = (this.burst / this.perSecond) * 1000;
    for (const [client, bucket] of this.buckets) {
      if (now - bucket.at > full) this.buckets.delete(client);
    }
    this.nextSweep = now + 10_000;
  }
}
