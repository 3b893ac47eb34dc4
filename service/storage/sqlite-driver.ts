/**
 * The SQLite driver of the service's SQLite backend (docs/decisions.md, "SQLite without a
 * per-Electron native build"): Node's own `node:sqlite` wherever the running Node has it (Node ≥
 * 22.13 and 24, so Electron 45's Node 24, which runs the embedded service in the desktop),
 * better-sqlite3 under the Node 20 that runs `npm run service` and the tests here. One small
 * synchronous interface, the part of better-sqlite3's API the backend uses, with the same values
 * from both: BLOBs as Buffers, integers as numbers, failures with the SQLite result code's name
 * in `code`. better-sqlite3 is imported lazily, only when `node:sqlite` is missing.
 *
 * The same code as electron/core/store/sqlite-driver.ts: the service and the core may not import
 * each other, and shared/ has no Node (docs/decisions.md). Change both together;
 * test/service/storage/sqlite-driver.test.ts fails when they differ.
 */
import type BetterSqlite from 'better-sqlite3';

/** A row as the store reads it: column name to value (BLOBs as Buffers). */
export type SqliteRow = Record<string, unknown>;
/** What a statement's run() reports. */
export interface SqliteRunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}
/** A prepared statement (better-sqlite3's Statement, in part). */
export interface SqliteStatement<P extends unknown[] = unknown[], R = SqliteRow> {
  get(...params: P): R | undefined;
  all(...params: P): R[];
  run(...params: P): SqliteRunResult;
}
/** An open database (better-sqlite3's Database, in part). */
export interface SqliteDatabase {
  /** Which driver this is. */
  readonly driver: SqliteDriverName;
  prepare<P extends unknown[] = unknown[], R = SqliteRow>(sql: string): SqliteStatement<P, R>;
  exec(sql: string): void;
  /** `PRAGMA <setting>`; returns its rows. */
  pragma(setting: string): SqliteRow[];
  /** True between BEGIN and COMMIT/ROLLBACK. */
  readonly inTransaction: boolean;
  /** `work` as one transaction (a savepoint when nested), as better-sqlite3's transaction(). */
  transaction<T>(work: () => T): () => T;
  close(): void;
}
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/** The part of node:sqlite used here (Node 24's API; @types/node 20 does not describe it). */
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeSqliteDatabase;
}
interface NodeSqliteDatabase {
  prepare(sql: string): {
    get(...params: unknown[]): SqliteRow | undefined;
    all(...params: unknown[]): SqliteRow[];
    run(...params: unknown[]): SqliteRunResult;
  };
  exec(sql: string): void;
  close(): void;
  readonly isTransaction: boolean;
}

/** Node's built-in SQLite, when this Node has it without a flag. */
function nodeSqlite(): NodeSqliteModule | undefined {
  const found = process.getBuiltinModule?.('node:sqlite') as Partial<NodeSqliteModule> | undefined;
  return typeof found?.DatabaseSync === 'function' ? (found as NodeSqliteModule) : undefined;
}

/** The driver `openSqlite` uses in this process. */
export function sqliteDriverName(): SqliteDriverName {
  return nodeSqlite() === undefined ? 'better-sqlite3' : 'node:sqlite';
}

/** Open (creating) the SQLite file at `path` with the driver of this process. */
export async function openSqlite(path: string): Promise<SqliteDatabase> {
  const builtin = nodeSqlite();
  if (builtin !== undefined) return fromNodeSqlite(builtin, path);
  const { default: Database } = await import('better-sqlite3');
  return fromBetterSqlite(new Database(path));
}

// SQLite's primary result codes (sqlite.org/rescode.html), by number.
const RESULT_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
};

/** A node:sqlite error with `code` set to the SQLite result code's name, as better-sqlite3's. */
function withSqliteCode(error: unknown): unknown {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof errcode !== 'number' || !(error instanceof Error)) return error;
  const name = RESULT_CODES[errcode & 0xff] ?? 'SQLITE_ERROR';
  Object.defineProperty(error, 'code', { value: name, configurable: true, writable: true });
  return error;
}

function sqliteCall<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw withSqliteCode(error);
  }
}

/** node:sqlite gives BLOBs as Uint8Array; the store's code expects Buffers (no copy). */
function bufferRow(row: SqliteRow | undefined): SqliteRow | undefined {
  if (row === undefined) return undefined;
  const result: SqliteRow = {};
  for (const [name, value] of Object.entries(row)) {
    result[name] =
      value instanceof Uint8Array && !Buffer.isBuffer(value)
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
        : value;
  }
  return result;
}

/** better-sqlite3 semantics for `transaction`: BEGIN/COMMIT outside, SAVEPOINT inside. */
function transactionOf(db: Pick<SqliteDatabase, 'exec' | 'inTransaction'>) {
  let depth = 0;
  return <T>(work: () => T): (() => T) =>
    () => {
      if (!db.inTransaction) {
        db.exec('BEGIN');
        try {
          const result = work();
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }
      const savepoint = `mesh_${++depth}`;
      db.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = work();
        db.exec(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${savepoint}`);
        db.exec(`RELEASE ${savepoint}`);
        throw error;
      } finally {
        depth--;
      }
    };
}

function fromNodeSqlite(module: NodeSqliteModule, path: string): SqliteDatabase {
  const db = sqliteCall(() => new module.DatabaseSync(path));
  const database: SqliteDatabase = {
    driver: 'node:sqlite',
    prepare<P extends unknown[], R>(sql: string): SqliteStatement<P, R> {
      const statement = sqliteCall(() => db.prepare(sql));
      return {
        get: (...params) => sqliteCall(() => bufferRow(statement.get(...params)) as R | undefined),
        all: (...params) =>
          sqliteCall(() => statement.all(...params).map((row) => bufferRow(row) as R)),
        run: (...params) => sqliteCall(() => statement.run(...params)),
      };
    },
    exec: (sql) => sqliteCall(() => db.exec(sql)),
    pragma: (setting) =>
      sqliteCall(() =>
        db
          .prepare(`PRAGMA ${setting}`)
          .all()
          .map((row) => bufferRow(row) as SqliteRow),
      ),
    get inTransaction() {
      return db.isTransaction;
    },
    transaction: (work) => transaction(work),
    close: () => db.close(),
  };
  const transaction = transactionOf(database);
  return database;
}

function fromBetterSqlite(db: BetterSqlite.Database): SqliteDatabase {
  return {
    driver: 'better-sqlite3',
    prepare<P extends unknown[], R>(sql: string): SqliteStatement<P, R> {
      const statement = db.prepare(sql);
      return {
        get: (...params) => statement.get(...params) as R | undefined,
        all: (...params) => statement.all(...params) as R[],
        run: (...params) => statement.run(...params),
      };
    },
    exec: (sql) => void db.exec(sql),
    pragma: (setting) => db.pragma(setting) as SqliteRow[],
    get inTransaction() {
      return db.inTransaction;
    },
    transaction: (work) => db.transaction(work),
    close: () => void db.close(),
  };
}
