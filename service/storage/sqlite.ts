/**
 * The SQLite backend (docs/architecture.md section 6: the embedded default). node:sqlite
 * (better-sqlite3 under Node 20: sqlite-driver.ts) in WAL mode with synchronous=FULL: a COMMIT
 * returns only once the WAL is on disk, so an acknowledged write survives a crash. One service
 * process per data directory, enforced by an exclusive lock on `service.lock` that the operating
 * system releases when the process dies. Writes and their COMMIT run in a worker thread
 * (sqlite-writer.ts); this thread's connection reads.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MeshError } from '../../shared/errors';
import type { BatchWork, ContainerQuery, PublishedQuery, StorageBackend } from './backend';
import type {
  AccountRow,
  ConnectionRow,
  ContainerEntryRow,
  ContainerHeadRow,
  LeafRow,
  LogRow,
  NonceRow,
  PinRow,
  PublishedRow,
  StateWrites,
} from './rows';
import { schemaStatements } from './schema';
import {
  containerEntriesQuery,
  PENDING_READ_LIMIT,
  pendingConnectionsQuery,
  purgeQueries,
  readStatements,
  searchPublishedQuery,
  SQLITE_DIALECT,
  upsertConnectionQuery,
  upsertPinQuery,
} from './queries';
import { NonceMemory } from './nonce-memory';
import { ConnectionListeners } from './answered-listeners';
import { Mutex } from './mutex';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from './sqlite-driver';
import { SqliteWriter, type WriteOperation } from './sqlite-writer';
import {
  account,
  connection,
  entry,
  head,
  leaf,
  logRow,
  num,
  pin,
  published,
  type Row,
} from './row-readers';

/** How many identifiers' newest rows are kept in memory. */
const LATEST_ROWS_CACHED = 16_384;

/** Options of the SQLite backend. */
export interface SqliteOptions {
  /** The data directory; created if missing. The database is `mesh.db` inside it. */
  readonly directory: string;
  /** Accept an existing but empty database file (service/config.ts `init`). */
  readonly init?: boolean;
}

/** The SQLite implementation of StorageBackend. */
/** The files of a data directory (the lock, the database, its WAL and shared memory). */
const DATA_FILES = ['service.lock', 'mesh.db', 'mesh.db-wal', 'mesh.db-shm'];

/**
 * Refuse a data directory, or a file in it, that others can read or write (the service's
 * signing key is in the database), as PostgreSQL refuses a data directory with group or world
 * access; the message gives the fix.
 */
function refuseReadableByOthers(directory: string): void {
  const open: string[] = [];
  if ((statSync(directory).mode & 0o077) !== 0) open.push(directory);
  for (const name of DATA_FILES) {
    const path = join(directory, name);
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) open.push(path);
  }
  if (open.length === 0) return;
  const fix = [
    ...(open.includes(directory) ? [`chmod 700 '${directory}'`] : []),
    ...open.filter((path) => path !== directory).map((path) => `chmod 600 '${path}'`),
  ].join(' && ');
  throw new MeshError(
    'STORE_CORRUPT',
    `the service data in ${directory} can be read by other users (${open.join(', ')}); ` +
      `the service's signing key is kept there. Fix it with: ${fix}`,
    { field: 'directory' },
  );
}

/** Longest a read request's nonce waits before it is written. */
const NONCE_SAVE_MS = 1000;

export class SqliteBackend implements StorageBackend {
  readonly kind = 'sqlite';
  readonly shared = false;
  private db: SqliteDatabase | undefined;
  private lock: SqliteDatabase | undefined;
  private readonly mutex = new Mutex();
  private readonly nonces = new NonceMemory();
  private readonly connectionListeners = new ConnectionListeners();
  private unsavedNonces: NonceRow[] = [];
  private nonceTimer: NodeJS.Timeout | undefined;
  private statements: ReturnType<SqliteBackend['prepare']> | undefined;
  /** Runs each batch's writes and its COMMIT off the event loop (sqlite-writer.ts). */
  private writer: SqliteWriter | undefined;
  /** The SQL of each prepared statement (the writer prepares its own from it). */
  private readonly sources = new WeakMap<SqliteStatement, string>();
  /** Statements built from query shapes (searchPublished and the like), by SQL text. */
  private readonly dynamic = new Map<string, SqliteStatement>();
  /**
   * The newest published row of recently used identifiers. This process is the only writer of
   * the directory, so the cache is updated with each commit and never goes stale.
   */
  private readonly latestRows = new Map<string, PublishedRow>();
  /**
   * Recently read account rows, for the same reason (every Publish reads its account twice, and a
   * read on this connection after the writer's commit goes back to the file); a batch that writes
   * an account drops its row, read again when next asked.
   */
  private readonly accountRows = new Map<string, AccountRow>();
  /** Settles when the last batch staged has committed or failed (stageBatch). */
  private uncommitted: Promise<void> = Promise.resolve();

  constructor(private readonly options: SqliteOptions) {}

  /** Open (creating) the database, take the directory lock, load the nonce cache. */
  async open(): Promise<void> {
    const directory = this.options.directory;
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    refuseReadableByOthers(directory);
    const database = join(directory, 'mesh.db');
    if (
      this.options.init !== true &&
      existsSync(database) &&
      statSync(database).size === 0 &&
      // In WAL mode the first commits may still be in the WAL alone.
      !(existsSync(`${database}-wal`) && statSync(`${database}-wal`).size > 0)
    ) {
      throw new MeshError(
        'STORE_CORRUPT',
        `${database} is empty: the service's log and key are lost. Restore it from a backup, or start with --init to begin a new, empty service there`,
        { field: 'directory' },
      );
    }
    // The files are made 0600 before SQLite opens them, whatever the umask; SQLite gives its
    // -wal and -shm files the database file's mode.
    for (const name of ['service.lock']) {
      closeSync(openSync(join(directory, name), 'a', 0o600));
      chmodSync(join(directory, name), 0o600);
    }
    const lock = await openSqlite(join(this.options.directory, 'service.lock'));
    try {
      lock.pragma('busy_timeout = 0');
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('CREATE TABLE IF NOT EXISTS held (pid INTEGER)');
      lock.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      lock.close();
      throw new MeshError(
        'STORE_CORRUPT',
        `another service process is using ${this.options.directory}`,
        {},
        { cause: error },
      );
    }
    this.lock = lock;
    // The database file is made 0600 before SQLite opens it (SQLite gives its -wal and -shm the
    // database file's mode).
    if (!existsSync(database)) closeSync(openSync(database, 'wx', 0o600));
    chmodSync(database, 0o600);
    const db = await openSqlite(join(this.options.directory, 'mesh.db'));
    // One process per directory (the lock above), but two connections in it: this one reads,
    // the writer's (sqlite-writer.ts, a worker thread) writes; so normal locking, not EXCLUSIVE.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    for (const statement of schemaStatements({
      bigint: 'INTEGER',
      bytes: 'BLOB',
      bool: 'INTEGER',
      true: '1',
    })) {
      db.exec(statement);
    }
    for (const suffix of ['-wal', '-shm']) {
      const path = join(directory, `mesh.db${suffix}`);
      if (existsSync(path)) chmodSync(path, 0o600);
    }
    this.db = db;
    this.statements = this.prepare(db);
    this.writer = new SqliteWriter(join(this.options.directory, 'mesh.db'));
    const now = Date.now();
    this.s.deleteNonces.run(now);
    for (const row of db.prepare('SELECT device, nonce, expires FROM nonces').all() as Row[]) {
      this.nonces.claim(String(row.device), String(row.nonce), num(row.expires), now);
    }
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      await this.writer?.close();
      this.writer = undefined;
      clearTimeout(this.nonceTimer);
      this.nonceTimer = undefined;
      if (this.db !== undefined) this.saveNonces();
      this.dynamic.clear();
      this.latestRows.clear();
      this.accountRows.clear();
      this.db?.close();
      this.db = undefined;
      this.statements = undefined;
      if (this.lock?.inTransaction) this.lock.exec('ROLLBACK');
      this.lock?.close();
      this.lock = undefined;
    });
  }

  private prepare(db: SqliteDatabase) {
    // Each statement's SQL is kept, for the writer (operations()).
    const prepare = (sql: string): SqliteStatement => {
      const statement = db.prepare(sql);
      this.sources.set(statement, sql);
      return statement;
    };
    const read = readStatements(SQLITE_DIALECT);
    const reads = Object.fromEntries(
      Object.entries(read).map(([name, sql]) => [name, prepare(sql)]),
    ) as Record<keyof typeof read, SqliteStatement>;
    return {
      ...reads,
      insertLog: prepare(
        'INSERT INTO log (id, time, type, record, leaf_hash) VALUES (?, ?, ?, ?, ?)',
      ),
      upsertAccount: prepare(
        `INSERT INTO accounts (name, profile_id, status, created, tx_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET profile_id = excluded.profile_id,
           status = excluded.status, tx_id = excluded.tx_id`,
      ),
      supersede: prepare('UPDATE published SET latest = 0 WHERE identifier = ? AND latest = 1'),
      insertPublished: prepare(
        `INSERT INTO published (tx_id, identifier, type, account, published, entry, latest)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertKey: prepare(
        'INSERT OR IGNORE INTO published_keys (key, value, tx_id) VALUES (?, ?, ?)',
      ),
      upsertHead: prepare(
        `INSERT INTO container_heads (account, container, idx, digest) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, container) DO UPDATE SET idx = excluded.idx, digest = excluded.digest`,
      ),
      insertEntry: prepare(
        `INSERT INTO container_entries (account, container, idx, tx_id, published, sender, payload)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertNonce: prepare(
        'INSERT OR IGNORE INTO nonces (device, nonce, expires) VALUES (?, ?, ?)',
      ),
    };
  }

  private get s(): NonNullable<SqliteBackend['statements']> {
    if (this.statements === undefined) {
      throw new MeshError('SERVICE_ERROR', 'the SQLite store is not open');
    }
    return this.statements;
  }

  private get database(): SqliteDatabase {
    if (this.db === undefined) throw new MeshError('SERVICE_ERROR', 'the SQLite store is not open');
    return this.db;
  }

  /** A prepared statement for `sql`, kept (the query shapes are few). */
  private statement(sql: string): SqliteStatement {
    let found = this.dynamic.get(sql);
    if (found === undefined) {
      found = this.database.prepare(sql);
      this.dynamic.set(sql, found);
    }
    return found;
  }

  async serviceSecret(name: string, create: () => string): Promise<string> {
    const found = this.s.secret.get(name) as Row | undefined;
    if (found !== undefined) return String(found.value);
    this.s.insertSecret.run(name, create());
    return String((this.s.secret.get(name) as Row).value);
  }

  async serviceValue(name: string): Promise<string | undefined> {
    const found = this.s.secret.get(name) as Row | undefined;
    return found === undefined ? undefined : String(found.value);
  }

  async putServiceValue(name: string, value: string): Promise<void> {
    this.s.putSecret.run(name, value);
  }

  async account(name: string): Promise<AccountRow | undefined> {
    const cached = this.accountRows.get(name);
    if (cached !== undefined) return cached;
    const row = this.s.account.get(name) as Row | undefined;
    if (row === undefined) return undefined;
    const found = account(row);
    if (this.accountRows.size >= LATEST_ROWS_CACHED) {
      this.accountRows.delete(this.accountRows.keys().next().value as string);
    }
    this.accountRows.set(name, found);
    return found;
  }

  async latestPublished(identifier: string): Promise<PublishedRow | undefined> {
    const cached = this.latestRows.get(identifier);
    if (cached !== undefined) return cached;
    const row = this.s.latest.get(identifier) as Row | undefined;
    if (row === undefined) return undefined;
    const found = published(row);
    this.remember(found);
    return found;
  }

  private remember(row: PublishedRow): void {
    this.latestRows.delete(row.identifier);
    if (this.latestRows.size >= LATEST_ROWS_CACHED) {
      this.latestRows.delete(this.latestRows.keys().next().value as string);
    }
    this.latestRows.set(row.identifier, { ...row, keys: [] });
  }

  async containerHead(
    accountName: string,
    container: string,
  ): Promise<ContainerHeadRow | undefined> {
    const row = this.s.head.get(accountName, container) as Row | undefined;
    return row === undefined ? undefined : head(row);
  }

  async connection(accountName: string, deviceId: string): Promise<ConnectionRow | undefined> {
    const row = this.s.connection.get(accountName, deviceId) as Row | undefined;
    return row === undefined ? undefined : connection(row);
  }

  async pendingCount(accountName: string, now: number): Promise<number> {
    return num((this.s.pendingCount.get(accountName, now) as Row).n);
  }

  async pendingRequests(accountName: string, now: number): Promise<ConnectionRow[]> {
    return this.pendingConnections(accountName, now, undefined, PENDING_READ_LIMIT);
  }

  async pin(accountName: string, pinId: string): Promise<PinRow | undefined> {
    const row = this.s.pin.get(accountName, pinId) as Row | undefined;
    return row === undefined ? undefined : pin(row);
  }

  async writeBatch<T>(work: BatchWork<T>): Promise<T> {
    const { result, durable } = await this.stageBatch(work, false);
    await durable;
    return result;
  }

  async stageBatch<T>(
    work: BatchWork<T>,
    layered: boolean,
  ): Promise<{ result: T; durable: Promise<void> }> {
    return this.mutex.run(async () => {
      // Not layered, `work` must start from every write queued before it.
      if (!layered) await this.uncommitted;
      // Batches are staged one at a time (the mutex) and only the writer writes, so what `work`
      // reads here is the committed state its transaction starts from, plus what log-writer.ts
      // layers over it.
      const last = num((this.s.maxId.get() as Row).id);
      const { writes, result } = await work(this, last);
      const writer = this.writer;
      if (writer === undefined)
        throw new MeshError('SERVICE_ERROR', 'the SQLite store is not open');
      const durable = writer.commit(this.operations(writes), layered).then(() => {
        // In commit order, before anyone waiting on `durable` runs.
        for (const row of writes.published) this.remember(row);
        for (const row of writes.accounts) this.accountRows.delete(row.name);
        this.connectionListeners.announce(writes);
      });
      this.uncommitted = durable.catch(() => undefined);
      return { result, durable };
    });
  }

  /**
   * The statements that write `writes`, for the writer: each prepared statement's SQL and values.
   */
  private operations(writes: StateWrites): WriteOperation[] {
    const s = this.s;
    const operations: WriteOperation[] = [];
    const op = (statement: SqliteStatement) => ({
      run: (...values: unknown[]): void =>
        void operations.push([this.sources.get(statement) ?? '', values]),
    });
    for (const row of writes.log) {
      op(s.insertLog).run(row.id, row.time, row.type, row.record, row.leafHash);
    }
    for (const row of writes.accounts) {
      op(s.upsertAccount).run(row.name, row.profileId, row.status, row.created, row.txId);
    }
    for (const row of writes.published) {
      op(s.supersede).run(row.identifier);
      op(s.insertPublished).run(
        row.txId,
        row.identifier,
        row.type,
        row.account,
        row.published,
        row.entry,
        1,
      );
      for (const [key, value] of row.keys ?? []) op(s.insertKey).run(key, value, row.txId);
    }
    for (const row of writes.containerHeads) {
      op(s.upsertHead).run(row.account, row.container, row.index, row.digest);
    }
    for (const row of writes.containerEntries) {
      op(s.insertEntry).run(
        row.account,
        row.container,
        row.index,
        row.txId,
        row.published,
        row.sender,
        row.payload,
      );
    }
    for (const row of writes.connections) {
      const { sql, values } = upsertConnectionQuery(row, SQLITE_DIALECT);
      operations.push([sql, values]);
    }
    for (const row of writes.pins) {
      const { sql, values } = upsertPinQuery(row, SQLITE_DIALECT);
      operations.push([sql, values]);
    }
    for (const row of writes.nonces) op(s.insertNonce).run(row.device, row.nonce, row.expires);
    for (const row of this.unsavedNonces.splice(0)) {
      op(s.insertNonce).run(row.device, row.nonce, row.expires);
    }
    if (writes.nonces.length > 0 && Math.random() < 0.01) op(s.deleteNonces).run(Date.now());
    for (const name of writes.purged) {
      for (const { sql, values } of purgeQueries(name)) operations.push([sql, values]);
    }
    return operations;
  }

  async logSize(): Promise<number> {
    return num((this.s.maxId.get() as Row).id);
  }

  async leaves(afterId: number, limit: number): Promise<LeafRow[]> {
    return (this.s.leaves.all(afterId, limit) as Row[]).map(leaf);
  }

  async logRows(afterId: number, toId: number, limit: number): Promise<LogRow[]> {
    return (this.s.logRows.all(afterId, toId, limit) as Row[]).map(logRow);
  }

  async searchPublished(query: PublishedQuery): Promise<PublishedRow[]> {
    if (
      query.identifier !== undefined &&
      'exact' in query.identifier &&
      query.latestOnly &&
      query.afterTxId === 0 &&
      query.limit > 0 &&
      query.type === undefined &&
      query.account === undefined &&
      query.device === undefined &&
      query.name === undefined &&
      query.notBefore === undefined &&
      query.before === undefined
    ) {
      // Get by Identifier, the common case: the newest version, from the cache.
      const row = await this.latestPublished(query.identifier.exact);
      return row === undefined ? [] : [row];
    }
    const { sql, values } = searchPublishedQuery(query, SQLITE_DIALECT);
    return (this.statement(sql).all(...values) as Row[]).map(published);
  }

  async containerHeads(
    accountName: string,
    containers?: readonly string[],
  ): Promise<ContainerHeadRow[]> {
    const rows = (this.s.heads.all(accountName) as Row[]).map(head);
    return containers === undefined
      ? rows
      : rows.filter((row) => containers.includes(row.container));
  }

  async containerEntries(query: ContainerQuery): Promise<ContainerEntryRow[]> {
    const { sql, values } = containerEntriesQuery(query);
    return (this.statement(sql).all(...values) as Row[]).map(entry);
  }

  async accountBytes(accountName: string): Promise<number> {
    return num((this.s.accountBytes.get(accountName, accountName) as Row).n);
  }

  async pendingConnections(
    accountName: string,
    now: number,
    after: { received: number; deviceId: string } | undefined,
    limit: number,
  ): Promise<ConnectionRow[]> {
    const { sql, values } = pendingConnectionsQuery(accountName, now, after, limit);
    return (this.statement(sql).all(...values) as Row[]).map(connection);
  }

  async claimNonce(
    device: string,
    nonce: string,
    expires: number,
    now = Date.now(),
  ): Promise<boolean> {
    if (!this.nonces.claim(device, nonce, expires, now)) return false;
    // Read requests write nothing else: their nonces are saved with the next write batch, or
    // within a second, or at close, so a replay after a restart is still refused.
    this.unsavedNonces.push({ device, nonce, expires });
    if (this.nonceTimer === undefined) {
      this.nonceTimer = setTimeout(() => {
        this.nonceTimer = undefined;
        this.mutex
          .run(async () => {
            if (this.db !== undefined) this.saveNonces();
          })
          .catch(() => undefined);
      }, NONCE_SAVE_MS);
      this.nonceTimer.unref();
    }
    return true;
  }

  /** Write the nonces claimed since the last save (inside the mutex). */
  private saveNonces(): void {
    const rows = this.unsavedNonces.splice(0);
    if (rows.length === 0) return;
    const insert = this.s.insertNonce;
    this.database.transaction(() => {
      for (const row of rows) insert.run(row.device, row.nonce, row.expires);
    })();
  }

  onConnectionAnswered(listener: (account: string, deviceId: string) => void): () => void {
    return this.connectionListeners.answered.add(listener);
  }

  onConnectionRequested(listener: (account: string, deviceId: string) => void): () => void {
    return this.connectionListeners.requested.add(listener);
  }
}
