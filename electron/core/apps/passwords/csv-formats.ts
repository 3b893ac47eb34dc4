import { normaliseSite } from '../site-match';

/**
 * The password CSV exports Mesh reads (shared/REFERENCE.md "Password export formats"): the
 * columns each has, how to recognise it from its header, and how one of its rows becomes a
 * login or a reason to skip the row. Column names are compared trimmed and lower-cased.
 */

export const PASSWORD_CSV_FORMATS = [
  'chrome',
  'firefox',
  'bitwarden',
  'lastpass',
  'keepassxc',
] as const;
export type PasswordCsvFormat = (typeof PASSWORD_CSV_FORMATS)[number];

/** A login read from one row, before it becomes an entry. Empty cells are absent. */
export type ImportedLogin = {
  title?: string;
  /** Normalised site patterns (site-match.ts). */
  sites: string[];
  username?: string;
  password?: string;
  notes?: string;
  totp?: string;
  created?: Date;
  updated?: Date;
};

export type RowReading = { kind: 'login'; login: ImportedLogin } | { kind: 'skip'; reason: string };

/** Reads a cell by (lower-case) column name; '' when the column is absent. */
export type RowCells = (column: string) => string;

export type CsvFormatDefinition = {
  id: PasswordCsvFormat;
  /** Name for messages, e.g. "Bitwarden". */
  name: string;
  /** Columns a file of this format always has. */
  required: readonly string[];
  /** Every column this format is known to have (required ones included). */
  known: readonly string[];
  read(cells: RowCells): RowReading;
};

/** Schemes of browser-internal credentials (Firefox's own account, extensions). */
const browserInternal = /^(chrome|about|moz-extension|chrome-extension|edge|resource|opera):/i;

type UriSorting = { sites: string[]; other: string[]; internal: string[] };

/**
 * Splits URIs into web sites (normalised), app or other URIs (android://, ssh://, text that is
 * no host) to keep in the notes, and browser-internal ones.
 */
function sortUris(uris: readonly string[]): UriSorting {
  const out: UriSorting = { sites: [], other: [], internal: [] };
  for (const raw of uris) {
    const uri = raw.trim();
    if (uri === '') continue;
    if (browserInternal.test(uri)) {
      out.internal.push(uri);
      continue;
    }
    try {
      const site = normaliseSite(uri);
      if (!out.sites.includes(site)) out.sites.push(site);
    } catch {
      out.other.push(uri);
    }
  }
  return out;
}

/**
 * Bitwarden joins several URIs of one login with commas in one cell. A comma inside one URI
 * (in a query string) is not followed by something that starts a URI, so it does not split.
 */
export function splitUriList(cell: string): string[] {
  return cell
    .split(
      /[\r\n]+|,(?=\s*(?:[a-z][a-z0-9+.-]*:\/\/|\*\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[:/]|\s*,|\s*$)))/i,
    )
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function joinNotes(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.map((part) => part?.trim() ?? '').filter((part) => part !== '');
  return kept.length === 0 ? undefined : kept.join('\n\n');
}

function present(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** A login from cells: URIs sorted into sites and notes. Null when only browser-internal. */
function login(fields: {
  title?: string;
  uris: readonly string[];
  username: string;
  password: string;
  notes?: string;
  totp?: string;
  created?: Date | undefined;
  updated?: Date | undefined;
}): RowReading {
  const uris = sortUris(fields.uris);
  if (uris.internal.length > 0 && uris.sites.length === 0 && uris.other.length === 0) {
    return { kind: 'skip', reason: `browser-internal credential (${uris.internal[0] ?? ''})` };
  }
  const result: ImportedLogin = { sites: uris.sites };
  const title = present(fields.title?.trim() ?? '');
  if (title !== undefined) result.title = title;
  const username = present(fields.username);
  if (username !== undefined) result.username = username;
  const password = present(fields.password);
  if (password !== undefined) result.password = password;
  const notes = joinNotes(fields.notes, ...uris.other.map((uri) => `URI: ${uri}`));
  if (notes !== undefined) result.notes = notes;
  const totp = present(fields.totp?.trim() ?? '');
  if (totp !== undefined) result.totp = totp;
  if (fields.created) result.created = fields.created;
  if (fields.updated) result.updated = fields.updated;
  return { kind: 'login', login: result };
}

// Dates outside these bounds are damaged cells, not real changes.
const earliest = Date.UTC(1990, 0, 1);
const latest = Date.UTC(2200, 0, 1);

/** Firefox writes times as milliseconds since 1970. */
function fromMilliseconds(cell: string): Date | undefined {
  if (!/^\d{1,15}$/.test(cell.trim())) return undefined;
  const ms = Number(cell.trim());
  return ms >= earliest && ms <= latest ? new Date(ms) : undefined;
}

/** KeePassXC writes ISO 8601 times ("2024-03-02T10:20:30Z"). */
function fromIsoTime(cell: string): Date | undefined {
  if (cell.trim() === '') return undefined;
  const ms = Date.parse(cell.trim());
  return Number.isNaN(ms) || ms < earliest || ms > latest ? undefined : new Date(ms);
}

const chrome: CsvFormatDefinition = {
  id: 'chrome',
  name: 'Chrome',
  required: ['name', 'url', 'username', 'password'],
  known: ['name', 'url', 'username', 'password', 'note'],
  read: (cell) =>
    login({
      title: cell('name'),
      uris: [cell('url')],
      username: cell('username'),
      password: cell('password'),
      notes: cell('note'),
    }),
};

const firefox: CsvFormatDefinition = {
  id: 'firefox',
  name: 'Firefox',
  required: ['url', 'username', 'password'],
  known: [
    'url',
    'username',
    'password',
    'httprealm',
    'formactionorigin',
    'guid',
    'timecreated',
    'timelastused',
    'timepasswordchanged',
  ],
  read: (cell) => {
    const created = fromMilliseconds(cell('timecreated'));
    return login({
      uris: [cell('url')],
      username: cell('username'),
      password: cell('password'),
      created,
      updated: fromMilliseconds(cell('timepasswordchanged')) ?? created,
    });
  },
};

const bitwarden: CsvFormatDefinition = {
  id: 'bitwarden',
  name: 'Bitwarden',
  required: ['type', 'name', 'login_uri', 'login_username', 'login_password'],
  known: [
    'folder',
    'collections',
    'favorite',
    'type',
    'name',
    'notes',
    'fields',
    'reprompt',
    'login_uri',
    'login_username',
    'login_password',
    'login_totp',
  ],
  read: (cell) => {
    const type = cell('type').trim().toLowerCase();
    if (type === 'note') return { kind: 'skip', reason: 'secure note, not a login' };
    if (type !== 'login' && type !== '') {
      return { kind: 'skip', reason: `${type} item, not a login` };
    }
    const fields = cell('fields').trim();
    return login({
      title: cell('name'),
      uris: splitUriList(cell('login_uri')),
      username: cell('login_username'),
      password: cell('login_password'),
      notes: joinNotes(cell('notes'), fields === '' ? undefined : `Custom fields:\n${fields}`),
      totp: cell('login_totp'),
    });
  },
};

const lastpass: CsvFormatDefinition = {
  id: 'lastpass',
  name: 'LastPass',
  required: ['url', 'username', 'password', 'extra', 'name'],
  known: ['url', 'username', 'password', 'totp', 'extra', 'name', 'grouping', 'fav'],
  read: (cell) => {
    // LastPass marks secure notes with the pseudo URL http://sn.
    if (cell('url').trim().toLowerCase() === 'http://sn') {
      return { kind: 'skip', reason: 'secure note, not a login' };
    }
    return login({
      title: cell('name'),
      uris: [cell('url')],
      username: cell('username'),
      password: cell('password'),
      notes: cell('extra'),
      totp: cell('totp'),
    });
  },
};

const keepassxc: CsvFormatDefinition = {
  id: 'keepassxc',
  name: 'KeePassXC',
  required: ['group', 'title', 'username', 'password', 'url', 'notes'],
  known: [
    'group',
    'title',
    'username',
    'password',
    'url',
    'notes',
    'totp',
    'icon',
    'last modified',
    'created',
  ],
  read: (cell) => {
    if (
      cell('group')
        .split('/')
        .some((part) => part.trim() === 'Recycle Bin')
    ) {
      return { kind: 'skip', reason: 'in the Recycle Bin' };
    }
    const created = fromIsoTime(cell('created'));
    return login({
      title: cell('title'),
      uris: [cell('url')],
      username: cell('username'),
      password: cell('password'),
      notes: cell('notes'),
      totp: cell('totp'),
      created,
      updated: fromIsoTime(cell('last modified')) ?? created,
    });
  },
};

/** The definitions, by format. */
export const CSV_FORMAT_DEFINITIONS: Readonly<Record<PasswordCsvFormat, CsvFormatDefinition>> = {
  chrome,
  firefox,
  bitwarden,
  lastpass,
  keepassxc,
};
