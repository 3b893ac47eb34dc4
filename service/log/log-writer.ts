/**
 * Group commit (docs/architecture.md section 10): every write waits in one queue; whatever has
 * queued while earlier batches were being made durable goes into the next database transaction
 * together, so one fsync acknowledges many writes. Each transaction is still atomic on its own:
 * one that fails its preconditions is left out of the batch and answered with its error, and the
 * others commit.
 *
 * Pipelined where the backend can (StorageBackend.stageBatch, SQLite): the next batch is built
 * while the one before it commits, reading through that batch's staged writes (BatchState layered
 * on BatchState), so the writer thread goes from one COMMIT to the next instead of waiting for the
 * event loop. Nothing is answered before its batch is durable, batches are answered in order, and
 * a batch built on one that failed fails too. At most PIPELINE_DEPTH batches are between staging
 * and answer; a batch that purges an account's state is committed before the next is built.
 */
import type { StateReader, StorageBackend } from '../storage/backend';
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

/** Batches staged but not yet answered, at most (pipelined backends; 1 for the others). */
const PIPELINE_DEPTH = 2;

/** A staged batch: its state (for the next batch to read through) and when it is answered. */
interface OpenBatch {
  readonly state: BatchState;
  readonly purges: boolean;
  /** The reader of the batch built on this one, told when this one has committed. */
  above?: StagedLayer;
  answered: Promise<void>;
}

/**
 * What a batch built on an uncommitted one reads: that batch's staged writes over the state it
 * read, until it has committed; then the committed state alone (so no chain of batches is kept).
 */
class StagedLayer implements StateReader {
  private below: StateReader | undefined;

  constructor(
    below: BatchState,
    private readonly committed: StateReader,
  ) {
    this.below = below.child();
  }

  /** The batch below has committed: its writes are in the committed state now. */
  committedBelow(): void {
    this.below = undefined;
  }

  private get reader(): StateReader {
    return this.below ?? this.committed;
  }

  account(name: string) {
    return this.reader.account(name);
  }

  latestPublished(identifier: string) {
    return this.reader.latestPublished(identifier);
  }

  containerHead(account: string, container: string) {
    return this.reader.containerHead(account, container);
  }

  connection(account: string, deviceId: string) {
    return this.reader.connection(account, deviceId);
  }

  pendingCount(account: string, now: number) {
    return this.reader.pendingCount(account, now);
  }

  pendingRequests(account: string, now: number) {
    return this.reader.pendingRequests(account, now);
  }

  pin(account: string, pinId: string) {
    return this.reader.pin(account, pinId);
  }
}

/** The single writer of a service process. */
export class LogWriter {
  private readonly queue: Queued[] = [];
  private draining = false;
  private idle: Promise<void> = Promise.resolve();
  private finishIdle: () => void = () => undefined;
  /** Wakes a drain waiting for work while a batch commits. */
  private wake: (() => void) | undefined;
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
      // Let every request that arrived in this turn of the event loop join the batch.
      if (!this.draining) {
        this.draining = true;
        this.idle = new Promise((done) => (this.finishIdle = done));
        setImmediate(() => void this.drain());
      } else if (this.wake !== undefined) {
        const wake = this.wake;
        this.wake = undefined;
        setImmediate(wake);
      }
    });
  }

  /** Resolves when every queued transaction has been answered. */
  flushed(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    const depth = this.backend.stageBatch === undefined ? 1 : PIPELINE_DEPTH;
    const open: OpenBatch[] = [];
    while (this.queue.length > 0 || open.length > 0) {
      const below = open.at(-1);
      const room = open.length < depth && below?.purges !== true;
      if (below !== undefined && (this.queue.length === 0 || !room)) {
        // Wait for the oldest batch to be answered or, with room for another, for new work.
        const oldest = (open[0] as OpenBatch).answered;
        if (room) {
          await Promise.race([oldest, new Promise<void>((wake) => (this.wake = wake))]);
          this.wake = undefined;
        } else {
          await oldest;
        }
        continue;
      }
      const batch = this.queue.splice(0, this.maxBatch);
      const staged = await this.stage(batch, below);
      if (staged === undefined) continue;
      const entry: OpenBatch = {
        state: staged.state,
        purges: staged.state.writes.purged.length > 0,
        answered: Promise.resolve(),
      };
      const before = below?.answered ?? Promise.resolve();
      entry.answered = this.answer(batch, staged, before, () =>
        entry.above?.committedBelow(),
      ).finally(() => {
        open.splice(open.indexOf(entry), 1);
      });
      open.push(entry);
    }
    this.draining = false;
    this.finishIdle();
  }

  /**
   * Run the batch's transactions over `below` (a batch not yet committed) or the committed state,
   * and queue its writes. Undefined when it could not be staged (its items are answered).
   */
  private async stage(
    batch: readonly Queued[],
    below: OpenBatch | undefined,
  ): Promise<{ state: BatchState; outcomes: Outcome[]; durable: Promise<void> } | undefined> {
    let state: BatchState | undefined;
    const work = async (reader: StateReader, lastId: number) => {
      let current: BatchState;
      if (below === undefined) {
        current = new BatchState(reader, lastId, this.clock());
      } else {
        const layer = new StagedLayer(below.state, reader);
        below.above = layer;
        current = new BatchState(layer, below.state.last, this.clock());
      }
      state = current;
      const results: Outcome[] = [];
      for (const item of batch) {
        const scope = current.child();
        try {
          const value = await item.work(scope);
          current.merge(scope);
          results.push({ ok: true, value });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      return { writes: current.writes, result: results };
    };
    try {
      const { result, durable } =
        this.backend.stageBatch === undefined
          ? { result: await this.backend.writeBatch(work), durable: Promise.resolve() }
          : await this.backend.stageBatch(work, below !== undefined);
      // Not awaited until the batch's turn to be answered: no unhandled rejection meanwhile.
      durable.catch(() => undefined);
      return { state: state as BatchState, outcomes: result, durable };
    } catch (error) {
      for (const item of batch) item.reject(error);
      return undefined;
    }
  }

  /** Once the batch is durable and every batch before it answered: answer its transactions. */
  private async answer(
    batch: readonly Queued[],
    staged: { state: BatchState; outcomes: Outcome[]; durable: Promise<void> },
    before: Promise<void>,
    committed: () => void,
  ): Promise<void> {
    let failure: { error: unknown } | undefined;
    try {
      await staged.durable;
      committed();
    } catch (error) {
      failure = { error };
    }
    await before;
    if (failure !== undefined) {
      for (const item of batch) item.reject(failure.error);
      return;
    }
    const rows: readonly LogRow[] = staged.state.writes.log;
    if (rows.length > 0) this.options.onCommit?.(rows);
    batch.forEach((item, i) => {
      const outcome = staged.outcomes[i] as Outcome;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
