/**
 * The local store of a device home (docs/architecture.md section 7, "Device state";
 * docs/local-store.md): cached profiles, replicas of the account's encrypted containers (entries by
 * container and index), sync positions, the last verified checkpoint, settings and the queue of
 * local edits awaiting upload. One SQLite file (node:sqlite, or better-sqlite3 under Node 20:
 * sqlite-driver.ts; WAL, synchronous=FULL: a commit is atomic and durable, a crash leaves the old
 * or the new state) whose every value is sealed with AES-256-GCM (sealing.ts) under a key kept in
 * the KeyStore. One change writes one row, so a 10,000-entry container costs a few pages per edit,
 * not a rewrite. Several processes may have the store open at once (docs/local-store.md "Sharing a
 * home"): SQLite serialises their writes (a transaction takes the write lock when it begins, and
 * waits up to BUSY_TIMEOUT_MS for another's to commit), and changedElsewhere() tells a process that
 * another one committed since it last looked, so it re-reads what it keeps in memory.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ZodType } from 'zod';
import { MeshError } from '../../../shared/errors';
import { SECRET_NAMES, type KeyStore } from '../keystore/key-store';
import {
  cachedProfileSchema,
  pendingEditSchema,
  syncPositionSchema,
  type CachedProfile,
  type ContainerEntry,
  type DocumentKind,
  type PendingEdit,
  type SyncPosition,
} from './records';
import { openSqlite, type SqliteDatabase } from './sqlite-driver';
import { place, STORE_FORMAT, STORE_KEY_BYTES, storeSealer, type StoreSealer } from './sealing';

/** File name of the local store inside a device home. */
export const LOCAL_STORE_FILE = 'store.db';
const KEY_CHECK = Buffer.from('mesh local store key check', 'utf8');
/** How long a write waits for another process's transaction to commit before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;
const SCHEMA = `
  CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE documents (
    kind TEXT NOT NULL, tag BLOB NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (kind, tag)
  ) WITHOUT ROWID;
  CREATE TABLE entries (
    container BLOB NOT NULL, idx INTEGER NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (container, idx)
  ) WITHOUT ROWID;
  CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, sealed BLOB NOT NULL);
`;

/** Where the store lives and which KeyStore holds its key. */
export interface LocalStoreOptions {
  /** The SQLite file (normally `<home>/store.db`). */
  readonly path: string;
  readonly keyStore: KeyStore;
}

/** Which entries of a container to read: those after index `after`, at most `limit` of them. */
export interface EntryRange {
  readonly after?: number;
  readonly limit?: number;
}

/** The encrypted local store of one device home. Synchronous after open (sqlite-driver.ts). */
export class LocalStore {
  readonly #db: SqliteDatabase;
  readonly #sealer: StoreSealer;
  #closed = false;
  /** PRAGMA data_version when last looked at (changedElsewhere). */
  #dataVersion: number;

  private constructor(db: SqliteDatabase, sealer: StoreSealer) {
    this.#db = db;
    this.#sealer = sealer;
    this.#dataVersion = dataVersion(db);
  }

  /**
   * Open the store at `path`, creating it (and its key in the KeyStore) on first use. Throws
   * STORE_CORRUPT when the file is damaged, is not a local store, or does not match the key.
   */
  static async open(options: LocalStoreOptions): Promise<LocalStore> {
    const { path, keyStore } = options;
    // With WAL, committed data may sit in the -wal file while the main file is still empty.
    const exists = (await fileHasContent(path)) || (await fileHasContent(`${path}-wal`));
    let key = await keyStore.get(SECRET_NAMES.localStoreKey);
    if (key === undefined) {
      if (exists) {
        throw new MeshError(
          'STORE_CORRUPT',
          `the key of the local store ${path} is missing from the key store, so it cannot be read`,
          { reason: 'key-missing' },
        );
      }
      key = new Uint8Array(randomBytes(STORE_KEY_BYTES));
      await keyStore.set(SECRET_NAMES.localStoreKey, key);
    }
    if (!exists) {
      // Create the file ourselves so it (and SQLite's -wal and -shm, which copy its mode) is 0600.
      await fs.writeFile(path, new Uint8Array(0), { mode: 0o600 });
    }
    let db: SqliteDatabase | undefined;
    try {
      db = await openSqlite(path);
      // First, so that even switching to WAL waits for another process instead of failing.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('trusted_schema = OFF');
      const sealer = initialise(db, key);
      return new LocalStore(db, sealer);
    } catch (error) {
      db?.close();
      throw asStoreError(error, path);
    } finally {
      key.fill(0);
    }
  }

  /**
   * Run `work` as one atomic, durable commit (nested calls become savepoints). The outermost
   * transaction begins IMMEDIATE: it takes SQLite's write lock first (waiting for another
   * process's commit), so what `work` reads is not changed by another process before it writes.
   */
  transaction<T>(work: () => T): T {
    return this.#guard(() => {
      const db = this.#db;
      if (db.inTransaction) return db.transaction(work)();
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = db.transaction(work)(); // a savepoint inside the transaction just begun
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /**
   * True when another connection - another process with this home open - committed a change
   * since the last call (PRAGMA data_version; sqlite.org/pragma.html#pragma_data_version).
   * This process's own commits do not count. Cheap: no page is read.
   */
  changedElsewhere(): boolean {
    return this.#guard(() => {
      const now = dataVersion(this.#db);
      if (now === this.#dataVersion) return false;
      this.#dataVersion = now;
      return true;
    });
  }

  // ---- named documents ----

  /** A document by kind and name, validated by `schema`; undefined when there is none. */
  getDocument<T>(kind: DocumentKind, name: string, schema: ZodType<T>): T | undefined {
    checkName(name, 'name');
    return this.#guard(() => {
      const tag = this.#sealer.tag(kind, name);
      const row = this.#db
        .prepare<[string, Buffer], { sealed: Buffer }>(
          'SELECT sealed FROM documents WHERE kind = ? AND tag = ?',
        )
        .get(kind, tag);
      if (row === undefined) return undefined;
      const document = this.#openDocument(kind, tag, row.sealed);
      if (document.name !== name) throw corrupt(`${kind} document`);
      return parseRecord(schema, document.value, `${kind} document`);
    });
  }

  /** Store (or replace) a JSON document under kind and name. */
  putDocument(kind: DocumentKind, name: string, value: unknown): void {
    checkName(name, 'name');
    this.#guard(() => {
      const tag = this.#sealer.tag(kind, name);
      const plaintext = Buffer.from(JSON.stringify({ name, value }), 'utf8');
      const sealed = this.#sealer.seal(place('documents', kind, tag), plaintext);
      this.#db
        .prepare('INSERT OR REPLACE INTO documents (kind, tag, sealed) VALUES (?, ?, ?)')
        .run(kind, tag, sealed);
    });
  }

  /** Remove a document; true when there was one. */
  deleteDocument(kind: DocumentKind, name: string): boolean {
    return this.#guard(
      () =>
        this.#db
          .prepare('DELETE FROM documents WHERE kind = ? AND tag = ?')
          .run(kind, this.#sealer.tag(kind, name)).changes > 0,
    );
  }

  /** Every document of one kind with its name, validated by `schema`, sorted by name. */
  listDocuments<T>(kind: DocumentKind, schema: ZodType<T>): Array<{ name: string; value: T }> {
    return this.#guard(() => {
      const rows = this.#db
        .prepare<[string], { tag: Buffer; sealed: Buffer }>(
          'SELECT tag, sealed FROM documents WHERE kind = ?',
        )
        .all(kind);
      return rows
        .map((row) => {
          const document = this.#openDocument(kind, row.tag, row.sealed);
          if (!this.#sealer.tag(kind, document.name).equals(row.tag)) {
            throw corrupt(`${kind} document`);
          }
          return {
            name: document.name,
            value: parseRecord(schema, document.value, `${kind} document`),
          };
        })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  // ---- cached profiles, settings, sync positions ----

  /** A cached profile by type and identifier. */
  getProfile(type: string, identifier: string): CachedProfile | undefined {
    return this.getDocument('profile', `${type}/${identifier}`, cachedProfileSchema);
  }

  /** Cache a verified profile, replacing an older version of the same type and identifier. */
  putProfile(profile: CachedProfile): void {
    const checked = parseArgument(cachedProfileSchema, profile, 'profile');
    this.putDocument('profile', `${checked.type}/${checked.identifier}`, checked);
  }

  /** Every cached profile. */
  listProfiles(): CachedProfile[] {
    return this.listDocuments('profile', cachedProfileSchema).map((d) => d.value);
  }

  /** A setting, validated by `schema`. */
  getSetting<T>(name: string, schema: ZodType<T>): T | undefined {
    return this.getDocument('setting', name, schema);
  }

  /** Store a JSON setting. */
  setSetting(name: string, value: unknown): void {
    this.putDocument('setting', name, value);
  }

  /** How far the replica of `container` has synchronised; undefined before the first sync. */
  getSyncPosition(container: string): SyncPosition | undefined {
    return this.getDocument('container', container, syncPositionSchema);
  }

  /** Record a container's sync position (put it in one transaction with the entries it covers). */
  setSyncPosition(position: SyncPosition): void {
    const checked = parseArgument(syncPositionSchema, position, 'position');
    this.putDocument('container', checked.container, checked);
  }

  /** Sync positions of every container this device replicates, sorted by container name. */
  listSyncPositions(): SyncPosition[] {
    return this.listDocuments('container', syncPositionSchema).map((d) => d.value);
  }

  // ---- container replicas ----

  /** Add or replace entries of `container` (one commit for the whole batch). */
  putEntries(container: string, entries: readonly ContainerEntry[]): void {
    checkName(container, 'container');
    for (const entry of entries) checkIndex(entry.index);
    this.transaction(() => {
      const tag = this.#sealer.tag('container', container);
      const insert = this.#db.prepare(
        'INSERT OR REPLACE INTO entries (container, idx, sealed) VALUES (?, ?, ?)',
      );
      for (const entry of entries) {
        const sealed = this.#sealer.seal(place('entries', tag, entry.index), entry.data);
        insert.run(tag, entry.index, sealed);
      }
    });
  }

  /** One entry of `container` by index. */
  getEntry(container: string, index: number): ContainerEntry | undefined {
    checkIndex(index);
    return this.#guard(() => {
      const tag = this.#sealer.tag('container', container);
      const row = this.#db
        .prepare<[Buffer, number], { sealed: Buffer }>(
          'SELECT sealed FROM entries WHERE container = ? AND idx = ?',
        )
        .get(tag, index);
      if (row === undefined) return undefined;
      return { index, data: this.#sealer.open(place('entries', tag, index), row.sealed, 'entry') };
    });
  }

  /** Entries of `container` in index order, after `range.after` (default: from the start). */
  getEntries(container: string, range: EntryRange = {}): ContainerEntry[] {
    const after = range.after ?? -1;
    const limit = range.limit ?? -1; // SQLite: a negative LIMIT means none
    return this.#guard(() => {
      const tag = this.#sealer.tag('container', container);
      return this.#db
        .prepare<[Buffer, number, number], { idx: number; sealed: Buffer }>(
          'SELECT idx, sealed FROM entries WHERE container = ? AND idx > ? ORDER BY idx LIMIT ?',
        )
        .all(tag, after, limit)
        .map((row) => ({
          index: row.idx,
          data: this.#sealer.open(place('entries', tag, row.idx), row.sealed, 'entry'),
        }));
    });
  }

  /** The highest index held for `container`, or 0 when it holds none. */
  lastIndex(container: string): number {
    return this.#guard(() => {
      const row = this.#db
        .prepare<[Buffer], { last: number | null }>(
          'SELECT MAX(idx) AS last FROM entries WHERE container = ?',
        )
        .get(this.#sealer.tag('container', container));
      return row?.last ?? 0;
    });
  }

  /** How many entries are held for `container`. */
  countEntries(container: string): number {
    return this.#guard(() => {
      const row = this.#db
        .prepare<[Buffer], { count: number }>(
          'SELECT COUNT(*) AS count FROM entries WHERE container = ?',
        )
        .get(this.#sealer.tag('container', container));
      return row?.count ?? 0;
    });
  }

  /** Drop a container's replica and sync position (e.g. after a key rotation to re-sync). */
  deleteContainer(container: string): void {
    this.transaction(() => {
      this.#db
        .prepare('DELETE FROM entries WHERE container = ?')
        .run(this.#sealer.tag('container', container));
      this.deleteDocument('container', container);
    });
  }

  // ---- the queue of local edits ----

  /** Queue a local edit for upload; returns its position in the queue. */
  enqueueEdit(edit: { container: string; key?: string; data: Uint8Array }): number {
    checkName(edit.container, 'container');
    return this.transaction(() => {
      const value = {
        container: edit.container,
        ...(edit.key !== undefined && { key: edit.key }),
        data: Buffer.from(edit.data).toString('base64'),
        queuedAt: new Date().toISOString(),
      };
      // The row's seq is part of its associated data, so take it first, then seal.
      const seq = Number(
        this.#db.prepare("INSERT INTO outbox (sealed) VALUES (x'')").run().lastInsertRowid,
      );
      const sealed = this.#sealer.seal(
        place('outbox', seq),
        Buffer.from(JSON.stringify(value), 'utf8'),
      );
      this.#db.prepare('UPDATE outbox SET sealed = ? WHERE seq = ?').run(sealed, seq);
      return seq;
    });
  }

  /** Queued edits in the order they were made, optionally of one container only. */
  pendingEdits(container?: string): PendingEdit[] {
    return this.#guard(() =>
      this.#db
        .prepare<[], { seq: number; sealed: Buffer }>('SELECT seq, sealed FROM outbox ORDER BY seq')
        .all()
        .map((row) => {
          const plaintext = this.#sealer.open(place('outbox', row.seq), row.sealed, 'queued edit');
          const value = parseRecord(
            pendingEditSchema,
            parseJson(plaintext, 'queued edit'),
            'queued edit',
          );
          return {
            seq: row.seq,
            container: value.container,
            key: value.key,
            data: new Uint8Array(Buffer.from(value.data, 'base64')),
            queuedAt: value.queuedAt,
          };
        })
        .filter((edit) => container === undefined || edit.container === container),
    );
  }

  /** Remove an uploaded edit from the queue; true when it was there. */
  removeEdit(seq: number): boolean {
    return this.#guard(
      () => this.#db.prepare('DELETE FROM outbox WHERE seq = ?').run(seq).changes > 0,
    );
  }

  /** Close the store and forget its keys. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.#sealer.wipe();
  }

  #openDocument(kind: string, tag: Buffer, sealed: Buffer): { name: string; value: unknown } {
    const plaintext = this.#sealer.open(place('documents', kind, tag), sealed, `${kind} document`);
    const parsed = parseJson(plaintext, `${kind} document`);
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      typeof (parsed as { name?: unknown }).name !== 'string'
    ) {
      throw corrupt(`${kind} document`);
    }
    return parsed as { name: string; value: unknown };
  }

  #guard<T>(work: () => T): T {
    if (this.#closed) throw new MeshError('INVALID_ARGUMENT', 'the local store is closed');
    try {
      return work();
    } catch (error) {
      throw asStoreError(error);
    }
  }
}

function dataVersion(db: SqliteDatabase): number {
  return Number(db.pragma('data_version')[0]?.data_version ?? 0);
}

/**
 * Create the schema in an empty database (with the key check: a known value sealed under the
 * key, proving later that the KeyStore holds this store's key), or check an existing one.
 * Returns the sealer of this store.
 */
function initialise(db: SqliteDatabase, key: Uint8Array): StoreSealer {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
    .all();
  if (tables.length === 0) {
    const storeId = randomUUID();
    const sealer = storeSealer(key, storeId);
    db.transaction(() => {
      db.exec(SCHEMA);
      const insert = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)');
      insert.run('format', Buffer.from(STORE_FORMAT, 'utf8'));
      insert.run('store-id', Buffer.from(storeId, 'utf8'));
      insert.run('key-check', sealer.seal(place('meta', 'key-check'), KEY_CHECK));
    })();
    return sealer;
  }
  if (!tables.some((table) => table.name === 'meta')) {
    throw new MeshError('STORE_CORRUPT', 'this file is not a Mesh local store', {
      reason: 'format',
    });
  }
  const meta = new Map(
    db
      .prepare<[], { name: string; value: Buffer }>('SELECT name, value FROM meta')
      .all()
      .map((row) => [row.name, row.value]),
  );
  const storeId = meta.get('store-id')?.toString('utf8');
  const keyCheck = meta.get('key-check');
  if (
    meta.get('format')?.toString('utf8') !== STORE_FORMAT ||
    storeId === undefined ||
    keyCheck === undefined
  ) {
    throw new MeshError('STORE_CORRUPT', 'this file is not a Mesh local store of a known format', {
      reason: 'format',
    });
  }
  const check = db.prepare<[], { quick_check: string }>('PRAGMA quick_check').all();
  if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
    throw new MeshError('STORE_CORRUPT', 'the local store file is damaged', { reason: 'sqlite' });
  }
  const sealer = storeSealer(key, storeId);
  try {
    if (!sealer.open(place('meta', 'key-check'), keyCheck, 'key check').equals(KEY_CHECK)) {
      throw new Error('key check value differs');
    }
  } catch (error) {
    sealer.wipe();
    throw new MeshError(
      'STORE_CORRUPT',
      'the local-store key in the key store does not open this local store',
      { reason: 'key-mismatch' },
      { cause: error },
    );
  }
  return sealer;
}

function asStoreError(error: unknown, path?: string): unknown {
  if (error instanceof MeshError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) {
    return new MeshError(
      'STORE_CORRUPT',
      `the local store${path === undefined ? '' : ` ${path}`} is damaged (${code})`,
      { reason: 'sqlite' },
      { cause: error },
    );
  }
  return error;
}

function corrupt(what: string): MeshError {
  return new MeshError('STORE_CORRUPT', `the local store's ${what} is not one it wrote`, {
    reason: 'record',
  });
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw corrupt(what);
  }
}

function parseRecord<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw corrupt(what);
  return result.data;
}

function parseArgument<T>(schema: ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `${field} is malformed: ${result.error.issues[0]?.message ?? ''}`,
      {
        field,
      },
    );
  }
  return result.data;
}

function checkName(name: string, field: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024) {
    throw new MeshError('INVALID_ARGUMENT', `${field} must be a non-empty name`, { field });
  }
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new MeshError('INVALID_ARGUMENT', 'an entry index is a non-negative integer', {
      field: 'index',
    });
  }
}

async function fileHasContent(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).size > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
