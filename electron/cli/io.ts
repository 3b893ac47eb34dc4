/**
 * What a CLI command may touch of the outside world. run() gets it as a parameter so tests
 * drive the CLI with captured output and a fake environment (docs/architecture.md section 11, "The
 * CLI").
 */
export interface CliIo {
  /** Writes text to standard output as given (add your own newline). */
  stdout(text: string): void;
  /** Writes text to standard error as given (add your own newline). */
  stderr(text: string): void;
  /** True when standard error is a terminal: long operations show progress there. */
  readonly stderrIsTTY?: boolean;
  /** The environment variables (MESH_HOME, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in arguments are taken from here. */
  readonly cwd: string;
  readonly stdin: {
    /** True when a person types at standard input (prompts make sense), false for a pipe. */
    readonly isTTY: boolean;
    /** All of standard input, for commands that read `-` as a file. */
    read(): Promise<Uint8Array>;
  };
}

/** The CliIo of this process: its streams, environment and working directory. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    stdin: {
      isTTY: process.stdin.isTTY === true,
      read: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return new Uint8Array(Buffer.concat(chunks));
      },
    },
  };
}
