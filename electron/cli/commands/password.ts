/**
 * `mesh password ...` (docs/architecture.md section 7, "The CLI";
 * draft-hallambaker-mesh-reference-03 section 5.7): the account's passwords on this device
 * - add (typed, from standard input, or generated), get by site (the best match first, with the
 * TOTP code), list and search, delete, generate, import a CSV export, export one. Changes are
 * synced right away when the service answers and queued otherwise (open-applications.ts).
 * Passwords are printed only by the commands asked to print them (get, generate, add
 * --generate); never by list, never in an error.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MeshError } from '../../../shared/errors';
import type { PasswordSummary } from '../../../shared/ipc/methods/passwords';
import type { CharacterClass, GeneratedSecret } from '../../core/passwords/password-generator';
import { PASSWORD_CSV_FORMATS, type PasswordCsvFormat } from '../../core/passwords/csv-formats';
import type { MeshDevice } from '../../core/mesh-device';
import {
  asUsageError,
  defineCommand,
  defineGroup,
  integerOption,
  usageError,
  type OptionSpecs,
} from '../command';
import { offlineOption, readInput, secretArgument, syncAround } from './open-applications';
import { withDevice } from './open-device';

/** Generator options, shared by `add --generate` and `generate`. */
const generatorOptions = {
  length: {
    type: 'string',
    value: 'N',
    description: 'characters in a generated password, 4 to 1024 (default 20)',
  },
  classes: {
    type: 'string',
    value: 'LIST',
    description: 'character classes: lowercase,uppercase,digits,symbols (default all)',
  },
  'exclude-ambiguous': {
    type: 'boolean',
    description: 'leave out characters easily mistaken for one another (0 O o 1 l I |)',
  },
  passphrase: { type: 'boolean', description: 'a passphrase of words instead of characters' },
  words: { type: 'string', value: 'N', description: 'words in a passphrase, 1 to 64 (default 6)' },
  separator: {
    type: 'string',
    value: 'TEXT',
    description: 'between the words of a passphrase (default -)',
  },
  capitalize: { type: 'boolean', description: "capitalise each passphrase word's first letter" },
} as const satisfies OptionSpecs;

type GeneratorFlags = {
  readonly length?: string | undefined;
  readonly classes?: string | undefined;
  readonly 'exclude-ambiguous'?: boolean | undefined;
  readonly passphrase?: boolean | undefined;
  readonly words?: string | undefined;
  readonly separator?: string | undefined;
  readonly capitalize?: boolean | undefined;
};

const CLASSES: readonly CharacterClass[] = ['lowercase', 'uppercase', 'digits', 'symbols'];

/**
 * The parts of the core these commands use, imported by the command that runs rather than by
 * every `mesh` (the bundle loads them as chunks: `mesh --help` stays small, README.md).
 */
async function catalogHelpers() {
  const { displaySite } = await import('../../core/catalog/site-match');
  return { displaySite };
}

/** A password or passphrase as the generator options say (usage errors for bad values). */
async function generate(flags: GeneratorFlags): Promise<GeneratedSecret> {
  const { generatePassphrase, generatePassword } =
    await import('../../core/passwords/password-generator');
  try {
    if (flags.passphrase) {
      if (flags.length !== undefined || flags.classes !== undefined) {
        throw usageError('--length and --classes are for passwords, not --passphrase');
      }
      return generatePassphrase({
        words: integerOption(flags.words, 'words', { min: 1, max: 64, fallback: 6 }),
        ...(flags.separator === undefined ? {} : { separator: flags.separator }),
        capitalize: flags.capitalize === true,
      });
    }
    if (flags.words !== undefined || flags.separator !== undefined || flags.capitalize) {
      throw usageError('--words, --separator and --capitalize need --passphrase');
    }
    let classes: CharacterClass[] | undefined;
    if (flags.classes !== undefined) {
      classes = flags.classes.split(',').map((name) => {
        const trimmed = name.trim() as CharacterClass;
        if (!CLASSES.includes(trimmed)) {
          throw usageError(`--classes takes ${CLASSES.join(', ')}, not ${JSON.stringify(name)}`);
        }
        return trimmed;
      });
    }
    return generatePassword({
      length: integerOption(flags.length, 'length', { min: 4, max: 1024, fallback: 20 }),
      ...(classes === undefined ? {} : { classes }),
      excludeAmbiguous: flags['exclude-ambiguous'] === true,
    });
  } catch (error) {
    throw asUsageError(error);
  }
}

/** An entry as --json shows it in a listing: no password, no TOTP secret, no history. */
function listed(entry: PasswordSummary) {
  return {
    identifier: entry.id,
    name: entry.title,
    sites: entry.sites,
    ...(entry.username === null ? {} : { username: entry.username }),
    hasTotp: entry.hasTotp,
    updated: entry.updated,
  };
}

const add = defineCommand({
  name: 'add',
  summary: 'add a password for SITE and USERNAME (typed, from standard input, or generated)',
  description:
    'SITE may be a host (example.com), a URL, or *.example.com for every subdomain. Give the\npassword with --password P, or --password - to read it from standard input (out of the shell\nhistory and the process list), or make one with --generate (printed once).',
  positionals: [
    { name: 'SITE', description: 'a host, URL or *.domain pattern' },
    { name: 'USERNAME', description: 'the user name at the site' },
  ],
  options: {
    password: { type: 'string', value: 'P', description: 'the password, or - for standard input' },
    generate: { type: 'boolean', description: 'generate the password (see the options below)' },
    ...generatorOptions,
    title: { type: 'string', value: 'TEXT', description: 'what to call the entry' },
    notes: { type: 'string', value: 'TEXT', description: 'notes kept with the entry' },
    totp: {
      type: 'string',
      value: 'SECRET',
      description:
        'a TOTP secret (base32, an otpauth:// URI or a steam:// Steam Guard secret), checked now, or - for standard input',
    },
    site: {
      type: 'string',
      multiple: true,
      value: 'SITE',
      description: 'a further site for the same login (repeatable)',
    },
    offline: offlineOption,
  },
  async run(context) {
    const { options, args } = context;
    if ((options.password === undefined) === (options.generate !== true)) {
      throw usageError('give either --password P (or --password -) or --generate');
    }
    if (options.password === '-' && options.totp === '-') {
      throw usageError('only one of --password and --totp can be read from standard input');
    }
    const generated = options.generate ? await generate(options) : undefined;
    if (!options.generate && (options.length !== undefined || options.passphrase)) {
      throw usageError('--length, --passphrase and the other generator options need --generate');
    }
    const password = generated?.secret ?? (await secretArgument(context, options.password!));
    const totp =
      options.totp === undefined ? undefined : await secretArgument(context, options.totp);
    const [site, username] = args as [string, string];
    return withDevice(context, async (device) => {
      let entry: PasswordSummary;
      let replaced: boolean;
      try {
        ({ entry, replaced } = await device.passwords.put({
          sites: [site, ...(options.site ?? [])],
          username,
          password,
          ...(options.title !== undefined && { title: options.title }),
          ...(options.notes !== undefined && { notes: options.notes }),
          ...(totp !== undefined && { totp }),
        }));
      } catch (error) {
        throw error instanceof MeshError && error.code === 'INVALID_ARGUMENT'
          ? asUsageError(error)
          : error;
      }
      const sync = await syncAround(context, device, 'after');
      const weak =
        generated === undefined ? await weakPasswordNote(password, [username, site]) : undefined;
      if (weak !== undefined) context.io.stderr(`mesh: ${weak}\n`);
      const name = entry.title;
      return {
        text: [
          replaced
            ? `Updated ${name} (${username}); the previous password is kept in its history`
            : `Added ${name} (${username})`,
          ...(generated === undefined
            ? []
            : [
                `Password: ${generated.secret}`,
                `Strength: ${Math.round(generated.entropyBits)} bits`,
              ]),
        ],
        json: {
          ...listed(entry),
          replaced,
          ...(generated === undefined
            ? {}
            : { generated: { password: generated.secret, entropyBits: generated.entropyBits } }),
          sync,
        },
      };
    });
  },
});

/** A note when a typed password is weak (zxcvbn score below 3), never showing it. */
async function weakPasswordNote(password: string, context: string[]): Promise<string | undefined> {
  const { estimateStrength } = await import('../../core/passwords/password-strength');
  const estimate = await estimateStrength(password, context);
  if (estimate.score >= 3) return undefined;
  return `this password is weak (strength ${estimate.score} of 4, cracked in ${estimate.crackTimeDisplay} offline); mesh password generate makes a strong one`;
}

const get = defineCommand({
  name: 'get',
  summary: 'print the site, user name and password for SITE (and the TOTP code, if any)',
  description: 'The best match comes first: the exact host, then the nearest *. pattern.',
  positionals: [{ name: 'SITE', description: 'a host or URL' }],
  options: {
    username: { type: 'string', value: 'U', description: 'the entry with this user name' },
    offline: offlineOption,
  },
  async run(context) {
    const site = context.args[0]!;
    const username = context.options.username;
    return withDevice(context, async (device) => {
      const sync = await syncAround(context, device, 'before');
      let matches: Awaited<ReturnType<MeshDevice['passwords']['find']>>;
      try {
        matches = await device.passwords.find({
          site,
          ...(username !== undefined && { username }),
        });
      } catch (error) {
        throw asUsageError(error);
      }
      const best = matches[0];
      if (best === undefined) {
        throw new MeshError('NOT_FOUND', 'no password entry matches this site', { field: 'SITE' });
      }
      const entry = await device.passwords.get({ id: best.entry.id });
      const { password } = await device.passwords.reveal({ id: entry.id });
      // A TOTP secret stored before secrets were checked may be unusable: the password is
      // still shown, and the TOTP line says what is wrong with the secret (never the secret).
      let totp: Awaited<ReturnType<MeshDevice['passwords']['totp']>> = null;
      let totpProblem: string | undefined;
      try {
        totp = await device.passwords.totp({ id: entry.id });
      } catch (error) {
        if (!(error instanceof MeshError) || error.code !== 'INVALID_ARGUMENT') throw error;
        totpProblem = error.message;
      }
      const { displaySite } = await catalogHelpers();
      const others = matches.length - 1;
      // The title a person gave: the name shown when it is not the first site's (or user's).
      const firstSite = entry.sites[0];
      const titled =
        entry.title !== (firstSite === undefined ? (entry.username ?? '') : displaySite(firstSite));
      return {
        text: [
          `Site:     ${displaySite(best.site)}`,
          ...(titled ? [`Title:    ${entry.title}`] : []),
          `Username: ${entry.username ?? ''}`,
          `Password: ${password ?? ''}`,
          ...(totp === null ? [] : [`TOTP:     ${totp.code} (${totp.remainingSeconds} s left)`]),
          ...(totpProblem === undefined ? [] : [`TOTP:     none (${totpProblem})`]),
          ...(entry.notes === null ? [] : [`Notes:    ${entry.notes}`]),
          ...(others > 0
            ? [
                `(${others} more ${others === 1 ? 'entry matches' : 'entries match'}: --username chooses)`,
              ]
            : []),
        ],
        json: {
          ...listed(entry),
          site: best.site,
          password,
          ...(entry.notes === null ? {} : { notes: entry.notes }),
          ...(totp === null
            ? {}
            : { totp: { code: totp.code, remainingSeconds: totp.remainingSeconds } }),
          ...(totpProblem === undefined ? {} : { totp: { error: totpProblem } }),
          otherMatches: others,
          sync,
        },
      };
    });
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'list the password entries (without passwords), or those matching QUERY',
  positionals: [
    {
      name: 'QUERY',
      description: 'words to look for in titles, sites, user names and notes',
      optional: true,
    },
  ],
  options: { offline: offlineOption },
  async run(context) {
    return withDevice(context, async (device) => {
      const sync = await syncAround(context, device, 'before');
      const entries = await device.passwords.list({ query: context.args[0] ?? '' });
      const { displaySite } = await catalogHelpers();
      return {
        text:
          entries.length === 0
            ? ['No password entries.']
            : entries.map(
                (entry) =>
                  `${entry.title}\t${entry.username ?? ''}\t${entry.sites.map(displaySite).join(' ')}`,
              ),
        json: { entries: entries.map(listed), sync },
      };
    });
  },
});

const remove = defineCommand({
  name: 'delete',
  summary: 'delete the entry for SITE (with --username when several have it)',
  positionals: [{ name: 'SITE', description: 'the site as the entry lists it' }],
  options: {
    username: { type: 'string', value: 'U', description: 'the entry with this user name' },
    offline: offlineOption,
  },
  async run(context) {
    const username = context.options.username;
    return withDevice(context, async (device) => {
      let deleted: PasswordSummary[];
      try {
        deleted = await device.passwords.deleteBySite({
          site: context.args[0]!,
          ...(username !== undefined && { username }),
        });
      } catch (error) {
        throw error instanceof MeshError && error.code === 'INVALID_ARGUMENT'
          ? asUsageError(error)
          : error;
      }
      const sync = await syncAround(context, device, 'after');
      return {
        text: deleted.map((entry) => `Deleted ${entry.title} (${entry.username ?? ''})`),
        json: { deleted: deleted.map(listed), sync },
      };
    });
  },
});

const generateCommand = defineCommand({
  name: 'generate',
  summary: 'print a new random password or passphrase',
  options: generatorOptions,
  async run({ options }) {
    const secret = await generate(options);
    return {
      text: secret.secret,
      json: { kind: secret.kind, secret: secret.secret, entropyBits: secret.entropyBits },
    };
  },
});

/** The lines of an import report: counts, then each skipped row and warning (never values). */
function reportLines(report: Awaited<ReturnType<MeshDevice['passwords']['import']>>): string[] {
  return [
    `Imported a ${report.format} export of ${report.rows} rows: ${report.added} added, ${report.merged} merged, ${report.skipped.length} skipped`,
    ...report.skipped.map((row) => `  row ${row.row} (line ${row.line}) skipped: ${row.reason}`),
    ...report.warnings.map(
      (warning) =>
        `  ${warning.row === null ? `line ${warning.line ?? 1}` : `row ${warning.row}`}: ${warning.message}`,
    ),
  ];
}

const importCommand = defineCommand({
  name: 'import',
  summary: 'import a CSV export (Chrome, Firefox, Bitwarden, LastPass, KeePassXC)',
  description:
    'The format is detected from the header unless --format names it. An entry for the same site\nand user name is merged, not duplicated: the newer version is current, the other kept in its\nhistory. A malformed file changes nothing.',
  positionals: [{ name: 'FILE', description: 'the CSV file, or - for standard input' }],
  options: {
    format: { type: 'string', value: 'FORMAT', description: PASSWORD_CSV_FORMATS.join('|') },
    offline: offlineOption,
  },
  async run(context) {
    const format = context.options.format;
    if (format !== undefined && !(PASSWORD_CSV_FORMATS as readonly string[]).includes(format)) {
      throw usageError(
        `--format takes ${PASSWORD_CSV_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
      );
    }
    const file = await readInput(context, context.args[0]!);
    const { decodeCsvText } = await import('../../core/passwords/csv-import');
    let csv: string;
    try {
      csv = decodeCsvText(file);
    } catch (error) {
      throw asUsageError(error);
    }
    return withDevice(context, async (device) => {
      const showProgress = !context.json && context.io.stderrIsTTY === true;
      const stop = showProgress
        ? device.on('progress', ({ operation, done, total }) => {
            if (operation !== 'import-passwords') return;
            context.io.stderr(`\r\u001b[KReading rows [${done ?? 0}/${total ?? 0}]`);
          })
        : undefined;
      let report: Awaited<ReturnType<MeshDevice['passwords']['import']>>;
      try {
        report = await device.passwords.import({
          csv,
          ...(format !== undefined && { format: format as PasswordCsvFormat }),
        });
      } catch (error) {
        throw asUsageError(error);
      } finally {
        stop?.();
        if (showProgress) context.io.stderr('\r\u001b[K');
      }
      const sync = await syncAround(context, device, 'after');
      return { text: reportLines(report), json: { ...report, sync } };
    });
  },
});

const exportCommand = defineCommand({
  name: 'export',
  summary: 'write every entry to FILE as CSV (the passwords in the clear)',
  description:
    "Bitwarden's columns by default (title, several sites, notes and TOTP survive), Chrome's\nwith --format chrome. The file is created readable by you only; an existing file is kept\nunless --force.",
  positionals: [{ name: 'FILE', description: 'the file to write, or - for standard output' }],
  options: {
    format: { type: 'string', value: 'FORMAT', description: 'bitwarden (default) or chrome' },
    force: { type: 'boolean', description: 'replace FILE if it exists' },
    offline: offlineOption,
  },
  async run(context) {
    const format = context.options.format ?? 'bitwarden';
    if (format !== 'bitwarden' && format !== 'chrome') {
      throw usageError(`--format takes bitwarden or chrome, not ${JSON.stringify(format)}`);
    }
    const target = context.args[0]!;
    return withDevice(context, async (device) => {
      const sync = await syncAround(context, device, 'before');
      const { csv, entries } = await device.passwords.export({ format });
      if (target === '-') {
        context.io.stdout(csv);
        return;
      }
      const path = resolve(context.io.cwd, target);
      try {
        await writeFile(path, csv, { mode: 0o600, flag: context.options.force ? 'w' : 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw usageError(`${target} exists: choose another file, or --force to replace it`);
        }
        throw new MeshError('INVALID_ARGUMENT', `cannot write ${target}`, { field: 'FILE' });
      }
      return {
        text: `Exported ${entries} entries to ${target}`,
        json: { file: path, entries, format, sync },
      };
    });
  },
});

export const passwordCommands = defineGroup({
  name: 'password',
  summary: 'passwords on every device: add, get, list, delete, generate, import, export',
  commands: [add, get, list, remove, generateCommand, importCommand, exportCommand],
});
