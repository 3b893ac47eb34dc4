/**
 * The storage quota of an account (docs/architecture.md section 6): the bytes of its container
 * entries (Upload, and Post deliveries to its inbound spool), at most `limits.accountQuotaBytes`.
 * Counted from storage the first time an account writes after a start, then kept up to date as this
 * process commits; several processes on one PostgreSQL database each keep their own count, so
 * together they may overshoot by what the others wrote since.
 */
import { MeshError } from '../../shared/errors';
import type { StorageBackend } from '../storage/backend';

/** What each account holds, in bytes. */
export class AccountUsage {
  private readonly bytes = new Map<string, number>();

  constructor(
    private readonly backend: StorageBackend,
    private readonly quota: number,
  ) {}

  /** Throw TOO_LARGE when `adding` more bytes would take `account` over its quota. */
  async check(account: string, adding: number, field: string): Promise<void> {
    if (this.quota <= 0) return;
    const used = await this.used(account);
    if (used + adding > this.quota) {
      throw new MeshError(
        'TOO_LARGE',
        `${field}: the account ${account} would hold more than its quota of ${this.quota} bytes`,
        { field, limit: this.quota },
      );
    }
  }

  /** Record bytes written (after the commit). */
  add(account: string, bytes: number): void {
    const used = this.bytes.get(account);
    if (used !== undefined) this.bytes.set(account, used + bytes);
  }

  /** Forget an account's count (its data was removed). */
  reset(account: string): void {
    this.bytes.delete(account);
  }

  private async used(account: string): Promise<number> {
    let used = this.bytes.get(account);
    if (used === undefined) {
      used = await this.backend.accountBytes(account);
      this.bytes.set(account, used);
    }
    return used;
  }
}

/** The bytes a list of payloads takes. */
export function payloadBytes(entries: readonly { readonly Payload: string }[]): number {
  let total = 0;
  for (const entry of entries) total += Buffer.byteLength(entry.Payload, 'utf8');
  return total;
}
