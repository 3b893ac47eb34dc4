/** The `mesh` program on this process: run() with the process's streams, for bin.mjs. */
import { processIo } from './io';
import { run } from './run';

/** Runs `mesh` with the process's arguments and sets process.exitCode (no process.exit). */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIo());
}
