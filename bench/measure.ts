/**
 * Timing of in-process operations for the bench: warm up, calibrate a batch that runs long enough
 * for the clock, then sample batches until a time budget is spent; report the median. Every run
 * bounds its own time.
 */

/** Per-operation time of one measured operation. */
export interface Timing {
  /** Median over the samples, nanoseconds per operation. */
  readonly medianNs: number;
  /** Fastest sample, nanoseconds per operation. */
  readonly minNs: number;
  readonly samples: number;
  readonly operations: number;
}

// Results are written here so the optimiser cannot drop the measured work.
let sink: unknown;

/** Keeps a value alive for the optimiser; returns it. */
export function consume<T>(value: T): T {
  sink = value;
  return value;
}

/**
 * Time `operation(i)` (i counts up from 0 across the run) for about `budgetMs` milliseconds.
 */
export function timeOperation(operation: (i: number) => unknown, budgetMs = 1500): Timing {
  let i = 0;
  const runBatch = (size: number): number => {
    const start = performance.now();
    for (let n = 0; n < size; n++) sink = operation(i++);
    return performance.now() - start;
  };
  // Warm-up and calibration: grow the batch until it takes at least 10 ms.
  let batch = 1;
  let elapsed = runBatch(batch);
  while (elapsed < 10 && batch < 1 << 24) {
    batch *= 2;
    elapsed = runBatch(batch);
  }
  const perOp: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (perOp.length < 5 || performance.now() < deadline) {
    perOp.push((runBatch(batch) * 1e6) / batch);
    if (perOp.length >= 1000) break;
  }
  consume(sink);
  perOp.sort((a, b) => a - b);
  return {
    medianNs: perOp[Math.floor(perOp.length / 2)] as number,
    minNs: perOp[0] as number,
    samples: perOp.length,
    operations: perOp.length * batch,
  };
}

/** A small deterministic generator (mulberry32), so every run measures the same inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A uniform integer in [low, high] from `random`. */
export function randomInt(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}
