/**
 * The storage interface of the service (docs/architecture.md section 6). Two implementations,
 * SQLite (sqlite.ts, the embedded default) and PostgreSQL (postgres.ts, several processes on one
 * database), pass one conformance suite (test/service/storage/storage-conformance.ts).
 *
 * Writes go through writeBatch only: one database transaction, serialized with every other
 * writer (SQLite's write lock; a PostgreSQL advisory lock), durable when it resolves. The
 * transaction logic reads current state through the StateReader it is handed and returns the
 * rows to write; the backends know tables, not Mesh rules.
 */
import type {
  AccountRow,
  ConnectionRow,
  ContainerEntryRow,
  ContainerHeadRow,
  LeafRow,
  LogRow,
  PinRow,
  PublishedRow,
  PublishedType,
  StateWrites,
} from './rows';

/** Reads of current state, used inside a write batch (locked) and outside it. */
export interface StateReader {
  account(name: string): Promise<AccountRow | undefined>;
  /** The newest version published under a canonical identifier. */
  latestPublished(identifier: string): Promise<PublishedRow | undefined>;
  containerHead(account: string, container: string): Promise<ContainerHeadRow | undefined>;
  connection(account: string, deviceId: string): Promise<ConnectionRow | undefined>;
  /** Unanswered, unexpired connection requests of an account. */
  pendingCount(account: string, now: number): Promise<number>;
  /** Unanswered, unexpired connection requests of an account, oldest first. */
  pendingRequests(account: string, now: number): Promise<ConnectionRow[]>;
  pin(account: string, pinId: string): Promise<PinRow | undefined>;
}

/**
 * A search of published data (Get, draft-hallambaker-mesh-reference-03 section 7.8). All given
 * criteria must hold.
 */
export interface PublishedQuery {
  /** Exact canonical identifier, or a prefix of one (a shorter UDF). */
  readonly identifier?: { readonly exact: string } | { readonly prefix: string };
  readonly type?: PublishedType;
  /** PersonalProfile rows of this identifier or EscrowEntry rows of this account. */
  readonly account?: { readonly name: string; readonly profileId: string };
  readonly device?: string;
  readonly name?: string;
  readonly notBefore?: number;
  readonly before?: number;
  /** Only the newest version of each identifier. */
  readonly latestOnly: boolean;
  /** Only rows with txId greater than this (paging). */
  readonly afterTxId: number;
  readonly limit: number;
}

/** A range of container entries (Download, draft-hallambaker-mesh-protocol-00 section 10.7). */
export interface ContainerQuery {
  readonly account: string;
  readonly container: string;
  readonly indexMin: number;
  readonly indexMax?: number;
  readonly notBefore?: number;
  readonly before?: number;
  readonly limit: number;
}

/** Work done inside one write transaction: reads through `reader`, returns what to write. */
export type BatchWork<T> = (
  reader: StateReader,
  lastTransactionId: number,
) => Promise<{ writes: StateWrites; result: T }>;

/** The storage a service runs on. */
export interface StorageBackend extends StateReader {
  /** 'sqlite' or 'postgres', for logs and Hello. */
  readonly kind: string;
  /** True when other processes may append to the same log (catch up before proofs). */
  readonly shared: boolean;

  /** Create tables if missing; load what the backend keeps in memory. */
  open(): Promise<void>;
  /** Release connections and locks. */
  close(): Promise<void>;

  /** A named service secret; stores `create()` when absent (first writer wins). */
  serviceSecret(name: string, create: () => string): Promise<string>;
  /** A named value the service keeps about itself (the last signed checkpoint), if stored. */
  serviceValue(name: string): Promise<string | undefined>;
  /** Store a named value the service keeps about itself, replacing the one stored. */
  putServiceValue(name: string, value: string): Promise<void>;

  /** Run one write batch serialized with all other writers; durable when it resolves. */
  writeBatch<T>(work: BatchWork<T>): Promise<T>;

  /**
   * Pipelined group commit, where the backend offers it (SQLite, whose COMMIT runs in another
   * thread): run `work` now and queue its writes for commit, without waiting for the batches
   * queued before it. Resolves once they are queued, with the work's result and `durable`, which
   * settles when the writes are committed; batches commit in the order they were staged.
   * `layered`: `work` read through the writes of batches not yet committed (log-writer.ts layers
   * them; the backend's reader and `lastTransactionId` show committed state only), so it must
   * fail if any of those fails. Not layered, it runs after every queued batch has committed.
   */
  stageBatch?<T>(
    work: BatchWork<T>,
    layered: boolean,
  ): Promise<{ result: T; durable: Promise<void> }>;

  /** The number of transactions in the log. */
  logSize(): Promise<number>;
  /** Leaf hashes of transactions with id greater than `afterId`, in order, at most `limit`. */
  leaves(afterId: number, limit: number): Promise<LeafRow[]>;
  /** Log rows with afterId < id <= toId, in order, at most `limit`. */
  logRows(afterId: number, toId: number, limit: number): Promise<LogRow[]>;

  searchPublished(query: PublishedQuery): Promise<PublishedRow[]>;
  /** The heads of an account's containers (all, or the named ones), by name. */
  containerHeads(account: string, containers?: readonly string[]): Promise<ContainerHeadRow[]>;
  containerEntries(query: ContainerQuery): Promise<ContainerEntryRow[]>;
  /** The bytes of an account's container entries (its quota use). */
  accountBytes(account: string): Promise<number>;
  /** Unanswered, unexpired requests of an account received after `afterReceived`, oldest first. */
  pendingConnections(
    account: string,
    now: number,
    after: { received: number; deviceId: string } | undefined,
    limit: number,
  ): Promise<ConnectionRow[]>;

  /**
   * Remember a request nonce of a device until `expires`; false if it was already seen
   * (docs/module-contracts.md section 3 replay cache). Shared by all processes of a shared backend,
   * and kept across a restart (read requests' nonces too). `now` is the service clock (default
   * Date.now).
   */
  claimNonce(device: string, nonce: string, expires: number, now?: number): Promise<boolean>;

  /**
   * Call `listener` when a connection request is answered, by this process or (shared backend)
   * any other. Returns the function that stops listening.
   */
  onConnectionAnswered(listener: (account: string, deviceId: string) => void): () => void;

  /**
   * Call `listener` when a connection request is made (a pending request row is written: a
   * ConnectStart), by this process or (shared backend) any other. Returns its removal.
   */
  onConnectionRequested(listener: (account: string, deviceId: string) => void): () => void;
}
