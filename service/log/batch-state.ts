/**
 * The state of one write batch (group commit): what its transactions have written so far, seen
 * through by later transactions of the same batch, over the committed state the backend reads.
 * Each transaction works in a child scope that is merged only when it succeeds, so a transaction
 * that fails a precondition leaves nothing behind and takes no TransactionID.
 */
import type { StateReader } from '../storage/backend';
import type {
  AccountRow,
  ConnectionRow,
  ContainerEntryRow,
  ContainerHeadRow,
  NonceRow,
  PinRow,
  PublishedRow,
  StateWrites,
} from '../storage/rows';
import { emptyWrites } from '../storage/rows';
import type { RecordType } from './records';
import { recordLeafHash, recordText } from './records';

const key = (...parts: string[]): string => parts.join('\n');

/** What a transaction sees and writes inside a batch. */
export interface TransactionScope extends StateReader {
  /** The batch's time: every record of the batch carries it. */
  readonly now: number;
  /** Append the transaction's log record; returns its TransactionID. */
  append(type: RecordType, fields: Record<string, unknown>): number;
  putAccount(row: AccountRow): void;
  putPublished(row: PublishedRow): void;
  putContainerHead(row: ContainerHeadRow): void;
  putContainerEntry(row: ContainerEntryRow): void;
  putConnection(row: ConnectionRow): void;
  putPin(row: PinRow): void;
  putNonce(row: NonceRow): void;
  /** Wake long polls on this request once the batch commits. */
  answered(account: string, deviceId: string): void;
  /** Remove a closed account's derived state at the end of the batch (rows.ts `purged`). */
  purge(account: string): void;
}

class Overlay {
  readonly accounts = new Map<string, AccountRow>();
  readonly published = new Map<string, PublishedRow>();
  readonly heads = new Map<string, ContainerHeadRow>();
  readonly connections = new Map<string, ConnectionRow>();
  readonly pins = new Map<string, PinRow>();
}

/** The staged writes of one batch and the reads that see them. */
export class BatchState {
  readonly writes: StateWrites = emptyWrites();
  private readonly overlay = new Overlay();

  constructor(
    private readonly committed: StateReader,
    private lastId: number,
    readonly now: number,
  ) {}

  /** A scope for one transaction; call merge() with it when the transaction succeeded. */
  child(): ChildScope {
    return new ChildScope(this, this.committed, this.lastId, this.now);
  }

  /** Keep what a successful transaction wrote. */
  merge(scope: ChildScope): void {
    const w = this.writes;
    w.log.push(...scope.writes.log);
    w.accounts.push(...scope.writes.accounts);
    w.published.push(...scope.writes.published);
    w.containerHeads.push(...scope.writes.containerHeads);
    w.containerEntries.push(...scope.writes.containerEntries);
    w.connections.push(...scope.writes.connections);
    w.pins.push(...scope.writes.pins);
    w.nonces.push(...scope.writes.nonces);
    w.answered.push(...scope.writes.answered);
    w.purged.push(...scope.writes.purged);
    for (const row of scope.writes.accounts) this.overlay.accounts.set(row.name, row);
    for (const row of scope.writes.published) this.overlay.published.set(row.identifier, row);
    for (const row of scope.writes.containerHeads) {
      this.overlay.heads.set(key(row.account, row.container), row);
    }
    for (const row of scope.writes.connections) {
      this.overlay.connections.set(key(row.account, row.deviceId), row);
    }
    for (const row of scope.writes.pins) this.overlay.pins.set(key(row.account, row.pinId), row);
    this.lastId += scope.writes.log.length;
  }

  /** The TransactionID of the batch's last record so far. */
  get last(): number {
    return this.lastId;
  }

  /** Staged rows (batch level), consulted before the committed state. */
  staged(): Overlay {
    return this.overlay;
  }
}

/** One transaction's scope: its own writes, then the batch's, then the committed state. */
export class ChildScope implements TransactionScope {
  readonly writes: StateWrites = emptyWrites();
  private readonly own = new Overlay();

  constructor(
    private readonly batch: BatchState,
    private readonly committed: StateReader,
    private readonly lastId: number,
    readonly now: number,
  ) {}

  private find<T>(pick: (overlay: Overlay) => Map<string, T>, k: string): T | undefined {
    return pick(this.own).get(k) ?? pick(this.batch.staged()).get(k);
  }

  async account(name: string): Promise<AccountRow | undefined> {
    return this.find((o) => o.accounts, name) ?? (await this.committed.account(name));
  }

  async latestPublished(identifier: string): Promise<PublishedRow | undefined> {
    return (
      this.find((o) => o.published, identifier) ??
      (await this.committed.latestPublished(identifier))
    );
  }

  async containerHead(account: string, container: string): Promise<ContainerHeadRow | undefined> {
    return (
      this.find((o) => o.heads, key(account, container)) ??
      (await this.committed.containerHead(account, container))
    );
  }

  async connection(account: string, deviceId: string): Promise<ConnectionRow | undefined> {
    return (
      this.find((o) => o.connections, key(account, deviceId)) ??
      (await this.committed.connection(account, deviceId))
    );
  }

  async pendingCount(account: string, now: number): Promise<number> {
    let count = await this.committed.pendingCount(account, now);
    const staged = new Map<string, ConnectionRow>();
    for (const overlay of [this.batch.staged(), this.own]) {
      for (const row of overlay.connections.values()) {
        if (row.account === account) staged.set(row.deviceId, row);
      }
    }
    const live = (row: ConnectionRow | undefined): number =>
      row !== undefined && row.state === 'Pending' && row.expires > now ? 1 : 0;
    for (const row of staged.values()) {
      count += live(row) - live(await this.committed.connection(account, row.deviceId));
    }
    return count;
  }

  async pendingRequests(account: string, now: number): Promise<ConnectionRow[]> {
    const rows = new Map<string, ConnectionRow>();
    for (const row of await this.committed.pendingRequests(account, now)) {
      rows.set(row.deviceId, row);
    }
    for (const overlay of [this.batch.staged(), this.own]) {
      for (const row of overlay.connections.values()) {
        if (row.account === account) rows.set(row.deviceId, row);
      }
    }
    return [...rows.values()]
      .filter((row) => row.state === 'Pending' && row.expires > now)
      .sort((a, b) =>
        a.received !== b.received
          ? a.received - b.received
          : a.deviceId < b.deviceId
            ? -1
            : a.deviceId > b.deviceId
              ? 1
              : 0,
      );
  }

  async pin(account: string, pinId: string): Promise<PinRow | undefined> {
    return (
      this.find((o) => o.pins, key(account, pinId)) ?? (await this.committed.pin(account, pinId))
    );
  }

  append(type: RecordType, fields: Record<string, unknown>): number {
    const id = this.lastId + this.writes.log.length + 1;
    const record = recordText(id, this.now, type, fields);
    this.writes.log.push({ id, time: this.now, type, record, leafHash: recordLeafHash(record) });
    return id;
  }

  putAccount(row: AccountRow): void {
    this.writes.accounts.push(row);
    this.own.accounts.set(row.name, row);
  }

  putPublished(row: PublishedRow): void {
    this.writes.published.push(row);
    this.own.published.set(row.identifier, row);
  }

  putContainerHead(row: ContainerHeadRow): void {
    this.writes.containerHeads.push(row);
    this.own.heads.set(key(row.account, row.container), row);
  }

  putContainerEntry(row: ContainerEntryRow): void {
    this.writes.containerEntries.push(row);
  }

  putConnection(row: ConnectionRow): void {
    this.writes.connections.push(row);
    this.own.connections.set(key(row.account, row.deviceId), row);
  }

  putPin(row: PinRow): void {
    this.writes.pins.push(row);
    this.own.pins.set(key(row.account, row.pinId), row);
  }

  putNonce(row: NonceRow): void {
    this.writes.nonces.push(row);
  }

  answered(account: string, deviceId: string): void {
    this.writes.answered.push({ account, deviceId });
  }

  purge(account: string): void {
    this.writes.purged.push(account);
  }
}
