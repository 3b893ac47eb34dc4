/** Help texts of `mesh`, its groups and its commands, from their declarations. */
import type { Command, CommandGroup, OptionSpec } from './command';

/** The options every command takes, for help texts. */
export const GLOBAL_OPTIONS: readonly (readonly [string, string])[] = [
  ['--home DIR', 'the device home (default: MESH_HOME, else the platform application-data folder)'],
  ['--json', 'print results as JSON'],
  ['-h, --help', 'show help'],
];

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function optionLabel(name: string, spec: OptionSpec): string {
  const flag = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}`;
  return spec.type === 'string' ? `${flag} ${spec.value ?? 'VALUE'}` : flag;
}

/** `mesh --help`. */
export function programHelp(groups: readonly CommandGroup[]): string {
  return [
    'Usage: mesh [--home DIR] [--json] <command> [<args>]',
    '',
    'The Mathematical Mesh from the command line.',
    '',
    'Commands:',
    ...table(groups.map((group) => [group.name, group.summary])),
    '',
    'Global options:',
    ...table(GLOBAL_OPTIONS),
    '',
    "Run 'mesh <command> --help' for the commands of a group.",
    '',
  ].join('\n');
}

/** `mesh GROUP --help`. */
export function groupHelp(group: CommandGroup): string {
  return [
    `Usage: mesh ${group.name} <command> [<args>]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...table(group.commands.map((command) => [command.name, command.summary])),
    '',
    `Run 'mesh ${group.name} <command> --help' for the options of a command.`,
    '',
  ].join('\n');
}

/** The one-line synopsis of a command. */
export function commandSynopsis(group: CommandGroup, command: Command): string {
  const positionals = (command.positionals ?? []).map((positional) => {
    const name = positional.variadic ? `${positional.name}...` : positional.name;
    return positional.optional ? `[${name}]` : name;
  });
  const options = Object.entries(command.options ?? {}).map(([name, spec]) => {
    const label = optionLabel(name, spec).replace(/^-\w, /, '');
    return spec.required === true ? label : `[${label}]`;
  });
  return ['mesh', group.name, command.name, ...positionals, ...options].join(' ');
}

/** `mesh GROUP COMMAND --help`. */
export function commandHelp(group: CommandGroup, command: Command): string {
  const lines = [`Usage: ${commandSynopsis(group, command)}`, '', command.summary];
  if (command.description !== undefined) lines.push('', command.description);
  if ((command.positionals ?? []).length > 0) {
    lines.push(
      '',
      'Arguments:',
      ...table((command.positionals ?? []).map((p) => [p.name, p.description])),
    );
  }
  const options = Object.entries(command.options ?? {}).map(
    ([name, spec]) => [optionLabel(name, spec), spec.description] as const,
  );
  lines.push('', 'Options:', ...table([...options, ...GLOBAL_OPTIONS]), '');
  return lines.join('\n');
}
