import { describe, expect, it } from 'vitest';
import { MeshError } from '../../shared/errors';
import { defineCommand, defineGroup } from '../../electron/cli/command';
import { commandGroups } from '../../electron/cli/commands';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../electron/cli/run';
import { mesh } from './captured-io';

describe('mesh help', () => {
  it('lists every group for mesh --help, mesh -h and mesh help, on stdout with status 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await mesh(argv);
      expect(result.status).toBe(EXIT_OK);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^Usage: mesh \[--home DIR\] \[--json\] <command>/);
      for (const group of commandGroups) expect(result.stdout).toContain(`  ${group.name} `);
    }
  });

  it('prints the usage on stderr with status 2 when no command is given', async () => {
    const result = await mesh([]);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: mesh/);
  });

  // Every group and every command of the registry, so a new group is covered when it is added.
  const groups = commandGroups.map((group) => ({
    group: group.name,
    commands: group.commands.map((c) => c.name),
  }));
  it.each(groups)(
    'has help for the $group group and each of its commands',
    async ({ group, commands }) => {
      for (const argv of [
        [group, '--help'],
        ['help', group],
        ['--help', group],
      ]) {
        const result = await mesh(argv);
        expect(result.status).toBe(EXIT_OK);
        expect(result.stdout).toMatch(new RegExp(`^Usage: mesh ${group} <command>`));
        for (const command of commands) expect(result.stdout).toContain(`  ${command} `);
      }
      const bare = await mesh([group]);
      expect(bare.status).toBe(EXIT_USAGE);
      expect(bare.stderr).toMatch(new RegExp(`^Usage: mesh ${group}`));
      for (const command of commands) {
        for (const argv of [
          [group, command, '--help'],
          [group, command, '-h'],
          ['help', group, command],
          ['--help', group, command],
        ]) {
          const result = await mesh(argv);
          expect(result.status, argv.join(' ')).toBe(EXIT_OK);
          expect(result.stderr).toBe('');
          expect(result.stdout).toMatch(new RegExp(`^Usage: mesh ${group} ${command}`));
          expect(result.stdout).toContain('--json');
        }
      }
    },
  );
});

describe('usage errors', () => {
  // Negative cases as data: each bad invocation gives status 2 and exactly one line on stderr.
  const cases: { argv: string[]; says: RegExp }[] = [
    { argv: ['frob'], says: /^mesh: unknown command "frob" \(see mesh --help\)$/ },
    {
      argv: ['key', 'frob'],
      says: /^mesh key: unknown command "key frob" \(see mesh key --help\)$/,
    },
    { argv: ['--frob', 'key', 'nonce'], says: /^mesh: unknown option --frob/ },
    { argv: ['--home'], says: /^mesh: --home needs a directory/ },
    { argv: ['--home='], says: /^mesh: --home needs a directory/ },
    {
      argv: ['key', 'nonce', '--bitz', '8'],
      says: /^mesh key nonce: unknown option '--bitz' \(see mesh key nonce --help\)$/,
    },
    {
      argv: ['key', 'nonce', '--bits'],
      says: /^mesh key nonce: option '--bits <value>' argument missing/,
    },
    {
      argv: ['key', 'nonce', '--json=yes'],
      says: /^mesh key nonce: option '--json' does not take an argument/,
    },
    { argv: ['key', 'nonce', 'extra'], says: /unexpected argument "extra"/ },
    {
      argv: ['key', 'nonce', '--bits', '100'],
      says: /--bits must be a multiple of 8 from 128 to 2048, not "100"/,
    },
    {
      argv: ['key', 'nonce', '--bits', '-8'],
      says: /^mesh key nonce: option '--bits' argument is ambiguous \(see mesh key nonce --help\)$/,
    },
    { argv: ['key', 'secret', '--bits', '0x20'], says: /--bits must be a multiple of 8/ },
    { argv: ['hash', 'udf'], says: /^mesh hash udf: FILE is missing/ },
    { argv: ['key', 'share', 'ZAAA'], says: /--shares is required/ },
  ];
  it.each(cases)('mesh $argv', async ({ argv, says }) => {
    const result = await mesh(argv);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stdout).toBe('');
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(says);
  });

  it('gives the error as JSON on stderr with --json', async () => {
    const result = await mesh(['--json', 'key', 'nonce', '--bits', '7']);
    expect(result.status).toBe(EXIT_USAGE);
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'INVALID_ARGUMENT',
        message: '--bits must be a multiple of 8 from 128 to 2048, not "7"',
      },
    });
  });
});

describe('the framework', () => {
  // A registry of test commands, to see what run() does with each kind of outcome.
  const seen: {
    home: string | undefined;
    homeDirectory: string;
    args: readonly string[];
    loud?: boolean;
  }[] = [];
  const groups = [
    defineGroup({
      name: 'test',
      summary: 'commands for testing run()',
      commands: [
        defineCommand({
          name: 'echo',
          summary: 'echo the arguments',
          positionals: [{ name: 'WORD', description: 'words', variadic: true, optional: true }],
          options: { loud: { type: 'boolean', short: 'l', description: 'upper case' } },
          run: (context) => {
            seen.push({
              home: context.home,
              homeDirectory: context.homeDirectory(),
              args: context.args,
              loud: context.options.loud,
            });
            const words = context.args.map((word) =>
              context.options.loud ? word.toUpperCase() : word,
            );
            return { text: words, json: { words } };
          },
        }),
        defineCommand({
          name: 'fail',
          summary: 'fail with a MeshError',
          run: () => {
            throw new MeshError('NOT_FOUND', 'no such account');
          },
        }),
        defineCommand({
          name: 'crash',
          summary: 'fail with a fault',
          run: () => {
            throw new TypeError('secret-detail');
          },
        }),
      ],
    }),
  ];

  it('runs a command with its options, arguments and --home, and prints text or JSON', async () => {
    seen.length = 0;
    const text = await mesh(['--home', 'h', 'test', 'echo', '-l', 'a', 'b'], {
      groups,
      cwd: '/work',
    });
    expect(text).toEqual({ status: EXIT_OK, stdout: 'A\nB\n', stderr: '' });
    expect(seen[0]).toEqual({ home: 'h', homeDirectory: '/work/h', args: ['a', 'b'], loud: true });
    const json = await mesh(['test', 'echo', 'a', '--json'], { groups, env: { MESH_HOME: '/m' } });
    expect(JSON.parse(json.stdout)).toEqual({ words: ['a'] });
    expect(seen[1]?.homeDirectory).toBe('/m');
    const before = await mesh(['--json', '--home=/x', 'test', 'echo'], { groups });
    expect(JSON.parse(before.stdout)).toEqual({ words: [] });
    expect(seen[2]?.home).toBe('/x');
  });

  it('takes arguments after -- as positionals, even when they look like options', async () => {
    const result = await mesh(['test', 'echo', '--', '--loud'], { groups });
    expect(result.stdout).toBe('--loud\n');
  });

  it('reports a MeshError in one line with status 1', async () => {
    expect(await mesh(['test', 'fail'], { groups })).toEqual({
      status: EXIT_FAILURE,
      stdout: '',
      stderr: 'mesh test fail: no such account\n',
    });
    const json = await mesh(['test', 'fail', '--json'], { groups });
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such account' },
    });
  });

  it('reports a fault without its details unless MESH_DEBUG=1', async () => {
    const quiet = await mesh(['test', 'crash'], { groups });
    expect(quiet.status).toBe(EXIT_FAILURE);
    expect(quiet.stderr).toBe('mesh test crash: internal error (set MESH_DEBUG=1 for details)\n');
    const loud = await mesh(['test', 'crash'], { groups, env: { MESH_DEBUG: '1' } });
    expect(loud.stderr).toContain('secret-detail');
  });
});
