/** What bench/cli/cli-timer.ts prints for sections/cli.ts: one line, this prefix, then JSON. */
export const CLI_TIMES_PREFIX = 'CLI_TIMES ';

/** What the timer reports: the wall time of every run of each command, ms. */
export interface CliTimes {
  readonly rounds: number;
  readonly keyStore: string;
  readonly runs: Readonly<Record<string, readonly number[]>>;
  /** Why `password get` could not be measured, if it could not. */
  readonly passwordSkipped?: string;
}
