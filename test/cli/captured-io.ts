import type { CliIo } from '../../electron/cli/io';
import { run } from '../../electron/cli/run';
import type { CommandGroup } from '../../electron/cli/command';

/** What one run of the CLI printed, and its exit status. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `mesh` in-process with captured output, a chosen cwd, env and standard input. */
export async function mesh(
  argv: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    stdin?: string | Uint8Array;
    groups?: readonly CommandGroup[];
  } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const input =
    typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : options.stdin;
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
    cwd: options.cwd ?? '/',
    stdin: {
      isTTY: input === undefined,
      read: async () => input ?? new Uint8Array(0),
    },
  };
  const status = await (options.groups === undefined
    ? run(argv, io)
    : run(argv, io, options.groups));
  return { status, stdout, stderr };
}
