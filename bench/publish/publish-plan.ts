/**
 * The contract between the Publish section and its load generator process (docs/architecture.md
 * section 10: durable Publish per second through group commit): a plan file in, one JSON outcome
 * line out.
 */

export interface PublishPlan {
  /** http://127.0.0.1:PORT/.well-known/mmm/ (loopback only). */
  readonly url: string;
  /** PublishRequest bodies: one series per account, each sent in order on its own connection. */
  readonly series: readonly (readonly string[])[];
  /** Answers completing in the first `warmupSeconds` are not counted. */
  readonly warmupSeconds: number;
  /** The run stops sending after this many seconds, whatever is left. */
  readonly limitSeconds: number;
}

export interface PublishOutcome {
  /** Answers 202 per second over the measured window (after warm-up, to the last answer). */
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers 202 in the measured window. */
  readonly measured: number;
  readonly windowSeconds: number;
  /** Every 202, warm-up included. */
  readonly accepted: number;
  /** Answers other than 202, and failed exchanges (each is a failed run). */
  readonly refused: number;
  readonly firstRefusal?: string;
  readonly errors: number;
  /** The generator's own CPU time over the round (user + system), in ms. */
  readonly generatorCpuMs: number;
}

export const PUBLISH_OUTCOME_PREFIX = 'PUBLISH_OUTCOME ';
