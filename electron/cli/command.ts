/**
 * How a `mesh` command is declared: a group (`mesh key ...`) holds commands (`mesh key nonce`),
 * each with its positionals, its options (node:util parseArgs form plus help text) and a run
 * function that returns what to print as text and as --json. See README.md to add a group.
 */
import { resolveHomeDirectory } from '../core/home/paths';
import { MeshError } from '../../shared/errors';
import type { CliIo } from './io';

/** One option of a command, as node:util parseArgs takes it, plus its help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** run() refuses the command without it (a usage error). */
  readonly required?: boolean;
  /** The value's name in help, e.g. N or CONTENT_TYPE. */
  readonly value?: string;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S['multiple'] extends true
    ? boolean[]
    : boolean
  : S['multiple'] extends true
    ? string[]
    : string;

/** The parsed options of a command, typed from its declaration; absent ones are undefined. */
export type OptionValues<O extends OptionSpecs> = { readonly [K in keyof O]?: OptionValue<O[K]> };

/** A positional argument: required unless said otherwise; a variadic one takes the rest. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
  readonly variadic?: boolean;
}

/** What a command returns: the text lines to print, and the value --json prints instead. */
export interface CommandOutput {
  readonly text: string | readonly string[];
  readonly json: unknown;
}

/** What run() hands a command. */
export interface CommandContext<O extends OptionSpecs = OptionSpecs> {
  readonly io: CliIo;
  /** --json was given: the command's json value is printed instead of its text. */
  readonly json: boolean;
  /** --home DIR as given, if it was; most commands want homeDirectory() instead. */
  readonly home: string | undefined;
  readonly options: OptionValues<O>;
  /** The positional arguments, in order, already checked against the declared count. */
  readonly args: readonly string[];
  /** The device home: --home, else MESH_HOME, else the platform's application-data folder. */
  homeDirectory(): string;
}

/** One command of a group. */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** One line for the group's help. */
  readonly summary: string;
  /** More lines for the command's own help. */
  readonly description?: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options?: O;
  run(context: CommandContext<O>): Promise<CommandOutput | void> | CommandOutput | void;
}

/** A group of commands under one word (`mesh key`). */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

/** Declares a command with its option types inferred from `options`. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command {
  return command as unknown as Command;
}

/** Declares a command group. */
export function defineGroup(group: CommandGroup): CommandGroup {
  return group;
}

/** A usage error: one line on stderr and exit status 2. */
export function usageError(
  message: string,
  details: Record<string, string | number> = {},
): MeshError {
  return new MeshError('INVALID_ARGUMENT', message, { ...details, usage: true });
}

/** Re-labels an error caused by a bad argument (a mistyped UDF, say) as a usage error, same code. */
export function asUsageError(error: unknown): unknown {
  if (!(error instanceof MeshError)) return error;
  return new MeshError(
    error.code,
    error.message,
    { ...error.details, usage: true },
    { cause: error },
  );
}

/** True when an error is a usage error (exit status 2). */
export function isUsageError(error: unknown): error is MeshError {
  return (
    error instanceof MeshError &&
    (error.code === 'INVALID_ARGUMENT' || error.details.usage === true)
  );
}

/**
 * An integer option: `fallback` when absent, else a whole number in [min, max] and, with
 * `step`, a multiple of it; a usage error naming the option otherwise.
 */
export function integerOption(
  text: string | undefined,
  name: string,
  limits: { min: number; max: number; step?: number; fallback?: number },
): number {
  if (text === undefined) {
    if (limits.fallback !== undefined) return limits.fallback;
    throw usageError(`--${name} is required`, { option: name });
  }
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  const step = limits.step ?? 1;
  if (
    !Number.isSafeInteger(value) ||
    value < limits.min ||
    value > limits.max ||
    value % step !== 0
  ) {
    const multiple = step === 1 ? 'a whole number' : `a multiple of ${step}`;
    throw usageError(
      `--${name} must be ${multiple} from ${limits.min} to ${limits.max}, not ${JSON.stringify(text)}`,
      {
        option: name,
      },
    );
  }
  return value;
}

/** The context builder run() uses. */
export function commandContext(
  io: CliIo,
  json: boolean,
  home: string | undefined,
  options: OptionValues<OptionSpecs>,
  args: readonly string[],
): CommandContext {
  return {
    io,
    json,
    home,
    options,
    args,
    homeDirectory: () => resolveHomeDirectory({ home, env: io.env, cwd: io.cwd }),
  };
}
