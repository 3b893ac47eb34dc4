import { normaliseSite } from '../catalog/site-match';

/**
 * The password CSV exports Mesh reads (docs/architecture.md section 13 "Password export formats"):
 * the columns each has, how to recognise it from its header, and how one of its rows becomes a
 * login, a secure note or a reason to skip the row. Nothing is dropped silently: URLs are kept
 * whole, folders, favourites and custom fields are kept, and the columns an entry cannot keep
 * are listed (`notKept`) for the import report. Column names are compared trimmed and
 * lower-cased.
 */

export const PASSWORD_CSV_FORMATS = [
  'chrome',
  'firefox',
  'bitwarden',
  'lastpass',
  'keepassxc',
] as const;
export type PasswordCsvFormat = (typeof PASSWORD_CSV_FORMATS)[number];

/** A custom field of an entry, as an export names it. */
export type ImportedField = { Name: string; Value: string };

/** A login or secure note read from one row, before it becomes an entry. Empty cells are absent. */
export type ImportedLogin = {
  /** A secure note (Bitwarden note item, LastPass http://sn row); a login when absent. */
  kind?: 'note';
  title?: string;
  /** Normalised site patterns (site-match.ts), for matching by host. */
  sites: string[];
  /** The URLs and app URIs as the file has them, whole (browser-internal ones left out). */
  urls: string[];
  username?: string;
  password?: string;
  notes?: string;
  totp?: string;
  /** Folder or group path, `/` between levels. */
  folder?: string;
  favorite?: boolean;
  fields?: ImportedField[];
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
  /**
   * Known columns whose values an entry does not keep; the import report names each one that
   * has a value in some row ("0" counts as none), so nothing is dropped silently.
   */
  notKept: readonly string[];
  read(cells: RowCells): RowReading;
};

/** Schemes of browser-internal credentials (Firefox's own account, extensions). */
const browserInternal = /^(chrome|about|moz-extension|chrome-extension|edge|resource|opera):/i;

type UriSorting = { sites: string[]; urls: string[]; internal: string[] };

/**
 * Sorts URIs into web sites (normalised, for matching), the URIs to keep whole (web and app
 * URIs, text that is no host), and browser-internal ones.
 */
function sortUris(uris: readonly string[]): UriSorting {
  const out: UriSorting = { sites: [], urls: [], internal: [] };
  for (const raw of uris) {
    const uri = raw.trim();
    if (uri === '') continue;
    if (browserInternal.test(uri)) {
      out.internal.push(uri);
      continue;
    }
    if (!out.urls.includes(uri)) out.urls.push(uri);
    try {
      const site = normaliseSite(uri);
      if (!out.sites.includes(site)) out.sites.push(site);
    } catch {
      // An app URI (android://, ssh://) or text: kept in urls only.
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

/** True for a favourite cell: Bitwarden writes 1 (or true), LastPass 1. */
function isFavorite(cell: string): boolean {
  return /^(1|true|yes)$/i.test(cell.trim());
}

/**
 * Bitwarden's custom fields: one `name: value` a line (its exporter's form). A line without
 * `: ` is a field with that name and an empty value.
 */
export function parseCustomFields(cell: string): ImportedField[] {
  const fields: ImportedField[] = [];
  for (const line of cell.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const at = line.indexOf(': ');
    fields.push(
      at < 0 ? { Name: line, Value: '' } : { Name: line.slice(0, at), Value: line.slice(at + 2) },
    );
  }
  return fields;
}

/**
 * A login (or note) from cells: URIs sorted into sites and whole URLs. Skip when only
 * browser-internal.
 */
function login(fields: {
  kind?: 'note';
  title?: string;
  uris: readonly string[];
  username: string;
  password: string;
  notes?: string;
  totp?: string;
  folder?: string;
  favorite?: boolean;
  fields?: ImportedField[];
  created?: Date | undefined;
  updated?: Date | undefined;
}): RowReading {
  const uris = sortUris(fields.uris);
  if (uris.internal.length > 0 && uris.urls.length === 0) {
    return { kind: 'skip', reason: `browser-internal credential (${uris.internal[0] ?? ''})` };
  }
  const result: ImportedLogin = { sites: uris.sites, urls: uris.urls };
  if (fields.kind !== undefined) result.kind = fields.kind;
  const title = present(fields.title?.trim() ?? '');
  if (title !== undefined) result.title = title;
  const username = present(fields.username);
  if (username !== undefined) result.username = username;
  const password = present(fields.password);
  if (password !== undefined) result.password = password;
  const notes = joinNotes(fields.notes);
  if (notes !== undefined) result.notes = notes;
  const totp = present(fields.totp?.trim() ?? '');
  if (totp !== undefined) result.totp = totp;
  const folder = present(fields.folder?.trim() ?? '');
  if (folder !== undefined) result.folder = folder;
  if (fields.favorite === true) result.favorite = true;
  if (fields.fields !== undefined && fields.fields.length > 0) result.fields = fields.fields;
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

/** The columns of Bitwarden's personal-vault CSV, in its order: what export writes. */
export const BITWARDEN_COLUMNS: readonly string[] = [
  'folder',
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
];
/** The columns of Chrome's password CSV, in its order. */
export const CHROME_COLUMNS: readonly string[] = ['name', 'url', 'username', 'password', 'note'];

const chrome: CsvFormatDefinition = {
  id: 'chrome',
  name: 'Chrome',
  required: ['name', 'url', 'username', 'password'],
  known: CHROME_COLUMNS,
  notKept: [],
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
  notKept: ['httprealm', 'formactionorigin', 'guid', 'timelastused'],
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
  known: [...BITWARDEN_COLUMNS, 'collections'],
  notKept: ['collections', 'reprompt'],
  read: (cell) => {
    const type = cell('type').trim().toLowerCase();
    if (type !== 'login' && type !== 'note' && type !== '') {
      return { kind: 'skip', reason: `${type} item, not a login or note` };
    }
    return login({
      ...(type === 'note' ? { kind: 'note' as const } : {}),
      title: cell('name'),
      uris: splitUriList(cell('login_uri')),
      username: cell('login_username'),
      password: cell('login_password'),
      notes: cell('notes'),
      totp: cell('login_totp'),
      folder: cell('folder'),
      favorite: isFavorite(cell('favorite')),
      fields: parseCustomFields(cell('fields')),
    });
  },
};

const lastpass: CsvFormatDefinition = {
  id: 'lastpass',
  name: 'LastPass',
  required: ['url', 'username', 'password', 'extra', 'name'],
  known: ['url', 'username', 'password', 'totp', 'extra', 'name', 'grouping', 'fav'],
  notKept: [],
  read: (cell) => {
    // LastPass marks secure notes with the pseudo URL http://sn; groups nest with "\\".
    const note = cell('url').trim().toLowerCase() === 'http://sn';
    return login({
      ...(note ? { kind: 'note' as const } : {}),
      title: cell('name'),
      uris: note ? [] : [cell('url')],
      username: cell('username'),
      password: cell('password'),
      notes: cell('extra'),
      totp: cell('totp'),
      folder: cell('grouping').replaceAll('\\', '/'),
      favorite: isFavorite(cell('fav')),
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
  notKept: ['icon'],
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
      folder: cell('group'),
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
