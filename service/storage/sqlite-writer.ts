/**
 * The SQLite backend's writer (sqlite.ts writeBatch): a worker thread with its own connection to
 * the database that runs each batch's statements in one transaction and COMMITs, so that the
 * COMMIT, which waits for the WAL to reach the disk (synchronous=FULL), does not hold the event
 * loop: the service reads, verifies and answers meanwhile. The main connection sees a batch only
 * once it is committed, as before. The worker's code is a string run with `eval`, so the service
 * bundles (scripts/build.mjs) need no second entry point; it uses the driver sqlite-driver.ts
 * uses (node:sqlite where Node has it, else the better-sqlite3 the main thread resolves).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One statement of a batch: its SQL (a prepared statement's `source`) and its values. */
export type WriteOperation = readonly [sql: string, values: readonly unknown[]];

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
// The driver sqlite-driver.ts picks: node:sqlite where this Node has it, else better-sqlite3.
const builtin = process.getBuiltinModule ? process.getBuiltinModule('node:sqlite') : undefined;
const db =
  builtin && typeof builtin.DatabaseSync === 'function'
    ? new builtin.DatabaseSync(workerData.file)
    : new (require(workerData.driver))(workerData.file);
const inTransaction = () => (db.inTransaction !== undefined ? db.inTransaction : db.isTransaction);
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = FULL');
db.exec('PRAGMA busy_timeout = 5000');
const statements = new Map();
function prepared(sql) {
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.exec('BEGIN IMMEDIATE');
    for (const [sql, values] of message.operations) prepared(sql).run(...values);
    db.exec('COMMIT');
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    if (inTransaction()) db.exec('ROLLBACK');
    parentPort.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/** The writer of one database file. */
export class SqliteWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #failure: Error | undefined;

  constructor(file: string) {
    let driver: string | undefined;
    try {
      driver = createRequire(import.meta.url).resolve('better-sqlite3');
    } catch {
      driver = undefined; // node:sqlite then (sqlite-driver.ts)
    }
    this.#worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver, file } });
    this.#worker.unref();
    this.#worker.on('message', (message: { id: number; error?: string }) => {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (message.error === undefined) pending?.resolve();
      else pending?.reject(new Error(message.error));
    });
    const fail = (error: Error): void => {
      this.#failure = error;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', () => fail(this.#failure ?? new Error('the SQLite writer stopped')));
  }

  /** Run `operations` in one transaction and COMMIT; resolves once the COMMIT returned. */
  commit(operations: readonly WriteOperation[]): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, operations });
    });
  }

  /** Close the worker's connection and end the worker (after the commits already sent). */
  async close(): Promise<void> {
    if (this.#failure !== undefined) return;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.ref();
    this.#worker.postMessage({ close: true });
    await exited;
  }
}
