/**
 * Group commit (docs/architecture.md section 10: Publish at 2,000 durable transactions per second):
 * every write waits in one queue; whatever has queued while the previous commit was being made
 * durable goes into the next database transaction together, so one fsync acknowledges many writes.
 * Each transaction is still atomic on its own: one that fails its preconditions is left out of the
 * batch and answered with its error, and the others commit.
 */
import type { StorageBackend } from '../storage/backend';
import type { LogRow } from '../storage/rows';
import type { TransactionScope } from './batch-state';
import { BatchState } from './batch-state';

/** A transaction's work inside a batch: read through the scope, write through the scope. */
export type TransactionWork<T> = (scope: TransactionScope) => Promise<T>;

interface Queued {
  readonly work: TransactionWork<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Options of the writer. */
export interface LogWriterOptions {
  /** Most transactions in one database transaction. */
  readonly maxBatch?: number;
  /** Called with the log rows of every committed batch, in order, before anyone is answered. */
  readonly onCommit?: (rows: readonly LogRow[]) => void;
  readonly clock?: () => number;
}

/** The single writer of a service process. */
export class LogWriter {
  private readonly queue: Queued[] = [];
  private draining = false;
  private idle: Promise<void> = Promise.resolve();
  private finishIdle: () => void = () => undefined;
  private readonly maxBatch: number;
  private readonly clock: () => number;

  constructor(
    private readonly backend: StorageBackend,
    private readonly options: LogWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1024;
    this.clock = options.clock ?? Date.now;
  }

  /** Run `work` as one transaction of the next batch; resolves once the batch is durable. */
  submit<T>(work: TransactionWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        this.idle = new Promise((done) => (this.finishIdle = done));
        // Let every request that arrived in this turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when every queued transaction has been answered. */
  flushed(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let outcomes: Outcome[];
      let rows: readonly LogRow[] = [];
      try {
        outcomes = await this.backend.writeBatch(async (reader, lastId) => {
          const state = new BatchState(reader, lastId, this.clock());
          const results: Outcome[] = [];
          for (const item of batch) {
            const scope = state.child();
            try {
              const value = await item.work(scope);
              state.merge(scope);
              results.push({ ok: true, value });
            } catch (error) {
              results.push({ ok: false, error });
            }
          }
          rows = state.writes.log;
          return { writes: state.writes, result: results };
        });
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      if (rows.length > 0) this.options.onCommit?.(rows);
      batch.forEach((item, i) => {
        const outcome = outcomes[i] as Outcome;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(outcome.error);
      });
    }
    this.draining = false;
    this.finishIdle();
  }
}
