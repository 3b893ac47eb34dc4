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
// Statements by number: each statement's SQL comes once, with the first batch that uses it.
const statements = [];
// Whether the batch before failed: a batch built on it (layered) must not commit.
let previousFailed = false;
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    for (const [index, sql] of message.statements) statements[index] = db.prepare(sql);
    if (message.layered && previousFailed) {
      throw new Error('the batch this one was built on did not commit');
    }
    db.exec('BEGIN IMMEDIATE');
    for (const [index, values] of message.operations) statements[index].run(...values);
    db.exec('COMMIT');
    previousFailed = false;
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    previousFailed = true;
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
  /** The number the worker knows each statement's SQL by. */
  readonly #numbers = new Map<string, number>();

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

  /**
   * Run `operations` in one transaction and COMMIT, after the batches sent before; resolves once
   * the COMMIT returned. `layered`: built on the batch sent just before, so refused (rejects) when
   * that one failed.
   */
  commit(operations: readonly WriteOperation[], layered = false): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#next++;
    const statements: [number, string][] = [];
    const numbered = operations.map(([sql, values]): [number, readonly unknown[]] => {
      let number = this.#numbers.get(sql);
      if (number === undefined) {
        number = this.#numbers.size;
        this.#numbers.set(sql, number);
        statements.push([number, sql]);
      }
      return [number, values];
    });
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, statements, operations: numbered, layered });
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
