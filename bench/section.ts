/** What every bench section provides to bench/run.ts. */
export interface BenchSection {
  /** The name selected on the command line: `npm run bench -- <name>`. */
  readonly name: string;
  readonly title: string;
  /** Measure and return the section's markdown (tables and notes); never throws for a skip. */
  run(progress: (line: string) => void): Promise<string[]>;
}

/** The line a section prints for a measurement it could not make. */
export function skipped(what: string, reason: string): string {
  return `- ${what}: skipped: ${reason}`;
}
