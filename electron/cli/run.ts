/**
 * The `mesh` command line: run(argv, io) parses the global options and the command, runs it and
 * returns the exit status; it never calls process.exit, so tests call it directly
 * (docs/architecture.md section 11, "The CLI"). Exit status: 0 done, 1 failed, 2 usage error (one
 * line on stderr).
 */
import { parseArgs } from 'node:util';
import { isMeshError } from '../../shared/errors';
import {
  commandContext,
  isUsageError,
  usageError,
  type Command,
  type CommandGroup,
  type CommandOutput,
  type OptionValues,
  type OptionSpecs,
} from './command';
import { commandGroups } from './commands';
import { displayText } from '../../shared/encoding/display-text';
import { cliWords } from './error-words';
import { commandHelp, groupHelp, programHelp } from './help';
import type { CliIo } from './io';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

interface GlobalOptions {
  json: boolean;
  help: boolean;
  home: string | undefined;
  rest: string[];
}

/** Reads --home DIR, --json and --help before the command word. */
function globalOptions(argv: readonly string[]): GlobalOptions {
  const options: GlobalOptions = { json: false, help: false, home: undefined, rest: [] };
  let index = 0;
  for (; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--') {
      index++;
      break;
    }
    if (!argument.startsWith('-')) break;
    if (argument === '--json') options.json = true;
    else if (argument === '--help' || argument === '-h') options.help = true;
    else if (argument === '--home' || argument.startsWith('--home=')) {
      const value = argument === '--home' ? argv[++index] : argument.slice('--home='.length);
      if (value === undefined || value === '') throw usageError('--home needs a directory');
      options.home = value;
    } else {
      throw usageError(`unknown option ${argument}`);
    }
  }
  options.rest = argv.slice(index);
  return options;
}

function parseCommandArguments(
  command: Command,
  argv: readonly string[],
): { options: OptionValues<OptionSpecs> & { help?: boolean; json?: boolean }; args: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(
          Object.entries(command.options ?? {}).map(([name, spec]) => [
            name,
            {
              type: spec.type,
              ...(spec.short === undefined ? {} : { short: spec.short }),
              ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }),
            },
          ]),
        ),
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's messages run on with advice; the first sentence names the problem.
    const message =
      error instanceof Error ? (error.message.split(/\.\s/)[0] ?? error.message) : 'bad arguments';
    throw usageError(`${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
  return {
    options: parsed.values as OptionValues<OptionSpecs> & { help?: boolean; json?: boolean },
    args: parsed.positionals,
  };
}

function checkArguments(
  command: Command,
  options: OptionValues<OptionSpecs>,
  args: readonly string[],
): void {
  const specs = command.positionals ?? [];
  const required = specs.filter((spec) => !spec.optional).length;
  const variadic = specs.some((spec) => spec.variadic);
  if (args.length < required) {
    const missing = specs[args.length]!;
    throw usageError(`${missing.name} is missing`);
  }
  if (!variadic && args.length > specs.length) {
    throw usageError(`unexpected argument ${JSON.stringify(args[specs.length])}`);
  }
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    if (spec.required === true && options[name] === undefined) {
      throw usageError(`--${name} is required`, { option: name });
    }
  }
}

function print(io: CliIo, json: boolean, output: CommandOutput): void {
  if (json) {
    io.stdout(`${JSON.stringify(output.json, null, 2)}\n`);
    return;
  }
  const lines = typeof output.text === 'string' ? [output.text] : output.text;
  // Lines carry other parties' text (device and account names): no control characters reach
  // the terminal (shared/encoding/display-text.ts).
  if (lines.length > 0) {
    io.stdout(`${displayText(lines.join('\n'), { keepLayout: true })}\n`);
  }
}

/** One line on stderr: `mesh key share: message`, usage errors with where to find help. */
function report(io: CliIo, json: boolean, where: string, error: unknown): number {
  const usage = isUsageError(error);
  if (isMeshError(error)) {
    const words = cliWords(error);
    if (json) {
      io.stderr(`${JSON.stringify({ error: { code: error.code, message: words } })}\n`);
    } else {
      const hint = usage ? ` (see ${where} --help)` : '';
      io.stderr(`${where}: ${displayText(words.replaceAll('\n', ' '))}${hint}\n`);
    }
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
  // A fault in our own code: no details unless asked for, they may hold anything.
  const detail =
    io.env.MESH_DEBUG === '1' && error instanceof Error ? `\n${error.stack ?? error.message}` : '';
  if (json)
    io.stderr(`${JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } })}\n`);
  else io.stderr(`${where}: internal error (set MESH_DEBUG=1 for details)${detail}\n`);
  return EXIT_FAILURE;
}

/**
 * Runs `mesh` with `argv` (the arguments after the program name) against `io` and resolves to
 * the exit status. Global options (--home DIR, --json, --help) come before the command; --json
 * and --help are also taken after it. `mesh help [GROUP [COMMAND]]` is --help in another form.
 * `groups` is the registry (commands/index.ts) unless a test brings its own.
 */
export async function run(
  argv: readonly string[],
  io: CliIo,
  groups: readonly CommandGroup[] = commandGroups,
): Promise<number> {
  let json = argv.includes('--json');
  let where = 'mesh';
  try {
    const global = globalOptions(argv);
    json = global.json;
    let words = global.rest;
    let help = global.help;
    if (words[0] === 'help') {
      help = true;
      words = words.slice(1);
    }
    const [groupName, commandName, ...rest] = words;
    if (groupName === undefined) {
      if (help) {
        io.stdout(programHelp(groups));
        return EXIT_OK;
      }
      io.stderr(programHelp(groups));
      return EXIT_USAGE;
    }
    const group = groups.find((candidate) => candidate.name === groupName);
    if (group === undefined) {
      throw usageError(`unknown command ${JSON.stringify(groupName)}`);
    }
    where = `mesh ${group.name}`;
    if (commandName === undefined || commandName === '--help' || commandName === '-h') {
      if (help || commandName !== undefined) {
        io.stdout(groupHelp(group));
        return EXIT_OK;
      }
      io.stderr(groupHelp(group));
      return EXIT_USAGE;
    }
    const command = group.commands.find((candidate) => candidate.name === commandName);
    if (command === undefined) {
      throw usageError(`unknown command ${JSON.stringify(`${group.name} ${commandName}`)}`);
    }
    where = `mesh ${group.name} ${command.name}`;
    if (help) {
      io.stdout(commandHelp(group, command));
      return EXIT_OK;
    }
    const { options, args } = parseCommandArguments(command, rest);
    if (options.help === true) {
      io.stdout(commandHelp(group, command));
      return EXIT_OK;
    }
    json = json || options.json === true;
    checkArguments(command, options, args);
    const output = await command.run(commandContext(io, json, global.home, options, args));
    if (output !== undefined) print(io, json, output);
    return EXIT_OK;
  } catch (error) {
    return report(io, json, where, error);
  }
}
