import { parse } from 'csv-parse/sync';
import { passwordEntryContentSchema } from '../../../shared/apps/password-entry';
import type { PasswordEntry, PasswordEntryContent } from '../../../shared/apps/password-entry';
import { MeshError } from '../../../shared/errors';
import {
  canonicalJson,
  contentKey,
  contentOf,
  createEntry,
  laterThan,
  supersedeEntry,
} from '../catalog/entry-model';
import type { ChangeContext } from '../catalog/entry-model';
import { urlsToKeep } from './entry-urls';
import { CSV_FORMAT_DEFINITIONS, PASSWORD_CSV_FORMATS } from './csv-formats';
import type { CsvFormatDefinition, ImportedLogin, PasswordCsvFormat } from './csv-formats';
import { entryDisplayName } from '../catalog/site-match';
import { isUsableTotp } from './totp';

/**
 * Import of browser and password-manager CSV exports (docs/architecture.md section 12, section 13):
 * detect the format from the header, read every row, and plan the changes — new entries, and
 * merges where an entry for the same site and user name exists (the newer version wins, the
 * other is kept in History). Planning is pure and complete before anything is applied, so a
 * malformed file changes nothing.
 */

export type PasswordImportOptions = {
  /** The format, when the user names it; detected from the header otherwise. */
  format?: PasswordCsvFormat;
  /** The importing device and clock; rows without times are stamped with this clock. */
  context: ChangeContext;
  /** Called every `progressEvery` rows and once at the end (the CLI shows it on a terminal). */
  onProgress?: (progress: { done: number; total: number }) => void;
  progressEvery?: number;
  /** Largest file accepted, in bytes (default 64 MiB). */
  maxBytes?: number;
};

/** Where in the file a row is: its number among the data rows (1 = first after the header),
 * and the line it starts on (1 = the header line). */
export type RowPosition = { row: number; line: number };

export type PasswordImportReport = {
  format: PasswordCsvFormat;
  /** Data rows read (empty lines excluded). */
  rows: number;
  added: (RowPosition & { identifier: string; name: string })[];
  /** Rows merged into an entry of the catalog or one an earlier row added; `kept` says whose
   * version is current now: the row's, or the entry's that existed (the other is in History). */
  merged: (RowPosition & { identifier: string; name: string; kept: 'row' | 'existing' })[];
  skipped: (RowPosition & { reason: string })[];
  /** Things imported but worth telling: unreadable TOTP secrets, columns not imported. */
  warnings: (Partial<RowPosition> & { message: string })[];
};

/** A change an import wants to make: a new entry, or a new version of one the catalog holds. */
export type PlannedChange = { entry: PasswordEntry };

export type PasswordImportPlan = {
  report: PasswordImportReport;
  /** Entries to write, each new or replacing the version named. */
  changes: PlannedChange[];
};

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

function malformed(reason: string, message: string, line?: number): MeshError {
  const details: Record<string, string | number> = { reason };
  if (line !== undefined) details.line = line;
  return new MeshError('INVALID_ARGUMENT', message, details);
}

/**
 * The text of a CSV file: UTF-8 (with or without BOM) or UTF-16 with BOM. Binary or
 * undecodable input is refused.
 */
export function decodeCsvText(input: string | Uint8Array, maxBytes = DEFAULT_MAX_BYTES): string {
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes) {
      throw new MeshError('TOO_LARGE', 'The file is too large to import.', { limit: maxBytes });
    }
    text = input;
  } else {
    if (input.byteLength > maxBytes) {
      throw new MeshError('TOO_LARGE', 'The file is too large to import.', { limit: maxBytes });
    }
    const encoding =
      input[0] === 0xff && input[1] === 0xfe
        ? 'utf-16le'
        : input[0] === 0xfe && input[1] === 0xff
          ? 'utf-16be'
          : 'utf-8';
    try {
      text = new TextDecoder(encoding, { fatal: true }).decode(input);
    } catch {
      throw malformed('encoding', 'The file is not text in UTF-8 or UTF-16.');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) throw malformed('binary', 'The file is binary, not a CSV export.');
  return text;
}

type ParsedRecord = { cells: string[]; line: number };

const csvMessages: Record<string, string> = {
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'a row has a different number of columns than the header',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a field is not doubled',
  INVALID_OPENING_QUOTE: 'a quote opens in the middle of a field',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote',
  CSV_MAX_RECORD_SIZE: 'a row is too large',
};

const LF = 0x0a;
const CR = 0x0d;

/**
 * Line numbers of byte offsets, counting LF, CRLF and lone CR as one line break each, as an
 * editor does. (csv-parse's own line count is off for CRLF inside quoted fields.)
 */
class LineMap {
  readonly #breaks: number[] = [];
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    for (let i = 0; i < bytes.length; i += 1) {
      if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] !== LF)) this.#breaks.push(i + 1);
    }
  }

  /** The line of the first byte at or after `offset` that is not a line break. */
  lineStartingAt(offset: number): number {
    let at = offset;
    while (at < this.#bytes.length && (this.#bytes[at] === LF || this.#bytes[at] === CR)) at += 1;
    return this.#lineOf(at);
  }

  /** The line of the last byte before `offset` that is not a line break. */
  lineEndingAt(offset: number): number {
    let at = offset - 1;
    while (at > 0 && (this.#bytes[at] === LF || this.#bytes[at] === CR)) at -= 1;
    return this.#lineOf(Math.max(0, at));
  }

  #lineOf(offset: number): number {
    let low = 0;
    let high = this.#breaks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.#breaks[mid] ?? 0) <= offset) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  }
}

/** Parses CSV text into records with the line each starts on. */
function parseRecords(text: string): ParsedRecord[] {
  const bytes = new TextEncoder().encode(text);
  const lines = new LineMap(bytes);
  let raw: unknown;
  try {
    raw = parse(bytes, {
      info: true,
      skip_empty_lines: true,
      // Ragged rows (Chrome's older export leaves the last, empty "note" field out) are read;
      // planPasswordImport reports each row whose field count is not the header's.
      relax_column_count: true,
      max_record_size: 1024 * 1024,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const offset = (error as { bytes?: unknown }).bytes;
    const what = typeof code === 'string' ? csvMessages[code] : undefined;
    let line: number | undefined;
    if (typeof offset === 'number') {
      // A ragged row is reported once read (offset after it); a quote error where its row starts.
      line =
        code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
          ? lines.lineEndingAt(offset)
          : lines.lineStartingAt(offset);
    }
    // Our own words only: the parser's message may quote a cell, which may be a password.
    throw malformed(
      'csv',
      `The file is not valid CSV${line === undefined ? '' : ` (line ${line})`}: ${what ?? 'it could not be parsed'}.`,
      line,
    );
  }
  const records: ParsedRecord[] = [];
  let previousEnd = 0;
  for (const item of raw as { record: string[]; info: { bytes: number } }[]) {
    records.push({ cells: item.record, line: lines.lineStartingAt(previousEnd) });
    previousEnd = item.info.bytes;
  }
  return records;
}

/** Picks the format whose columns the header matches best (docs/architecture.md section 12). */
export function detectCsvFormat(header: readonly string[]): PasswordCsvFormat {
  const columns = new Set(header);
  let best: { format: PasswordCsvFormat; known: number }[] = [];
  for (const format of PASSWORD_CSV_FORMATS) {
    const definition = CSV_FORMAT_DEFINITIONS[format];
    if (!definition.required.every((column) => columns.has(column))) continue;
    const known = header.filter((column) => definition.known.includes(column)).length;
    if (best.length === 0 || known > (best[0]?.known ?? 0)) best = [{ format, known }];
    else if (known === best[0]?.known) best.push({ format, known });
  }
  const [first, second] = best;
  if (!first) {
    throw malformed(
      'header',
      'The first line is not the header of a Chrome, Firefox, Bitwarden, LastPass or KeePassXC export.',
      1,
    );
  }
  if (second) {
    throw malformed(
      'ambiguous',
      `The header fits both ${first.format} and ${second.format}: name the format.`,
      1,
    );
  }
  return first.format;
}

function normaliseHeader(cells: readonly string[]): string[] {
  const header = cells.map((cell) => cell.trim().toLowerCase());
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) {
      throw malformed('header', `The header names the column "${column}" twice.`, 1);
    }
    seen.add(column);
  }
  return header;
}

/**
 * Keys under which an entry is "the same site and user name" (siteless: same kind and title;
 * entries stored before Kind are logins).
 */
function identityKeys(content: PasswordEntryContent): string[] {
  const user = content.Username ?? '';
  if (content.Sites.length === 0) {
    const kind = content.Kind ?? 'login';
    return [`\u0001${kind}\u0001${(content.Title ?? '').toLowerCase()}\u0000${user}`];
  }
  return content.Sites.map((site) => `${site}\u0000${user}`);
}

function contentFromLogin(login: ImportedLogin): PasswordEntryContent {
  const content: PasswordEntryContent = { Sites: login.sites };
  if (login.kind !== undefined) content.Kind = login.kind;
  if (login.title !== undefined) content.Title = login.title;
  const urls = urlsToKeep(login.urls);
  if (urls.length > 0) content.URLs = urls;
  if (login.username !== undefined) content.Username = login.username;
  if (login.password !== undefined) content.Password = login.password;
  if (login.notes !== undefined) content.Notes = login.notes;
  if (login.totp !== undefined) content.TOTP = login.totp;
  if (login.folder !== undefined) content.Folder = login.folder;
  if (login.favorite === true) content.Favorite = true;
  if (login.fields !== undefined) content.Fields = login.fields;
  return content;
}

const sameFields = (a: PasswordEntryContent['Fields'], b: PasswordEntryContent['Fields']) =>
  canonicalJson(a ?? []) === canonicalJson(b ?? []);

/** True when the row says nothing the entry does not already hold. */
function holdsRow(entry: PasswordEntryContent, row: PasswordEntryContent): boolean {
  return (
    entry.Username === row.Username &&
    // A row without a password says nothing about it (a CSV cannot say "cleared").
    (row.Password === undefined || entry.Password === row.Password) &&
    (entry.Kind ?? 'login') === (row.Kind ?? 'login') &&
    row.Sites.every((site) => entry.Sites.includes(site)) &&
    (row.URLs ?? []).every((url) => (entry.URLs ?? []).includes(url)) &&
    (row.Favorite !== true || entry.Favorite === true) &&
    (row.Fields === undefined || sameFields(row.Fields, entry.Fields)) &&
    (['Title', 'Notes', 'TOTP', 'Folder'] as const).every(
      (key) => row[key] === undefined || row[key] === entry[key],
    )
  );
}

/** The winner's fields, blanks filled from the other, sites and URLs of both (winner's first). */
function combine(winner: PasswordEntryContent, other: PasswordEntryContent): PasswordEntryContent {
  const content: PasswordEntryContent = {
    ...winner,
    Sites: [...winner.Sites, ...other.Sites.filter((site) => !winner.Sites.includes(site))],
  };
  const urls = [
    ...(winner.URLs ?? []),
    ...(other.URLs ?? []).filter((url) => !(winner.URLs ?? []).includes(url)),
  ];
  if (urls.length > 0) content.URLs = urls;
  for (const key of [
    'Title',
    'Username',
    'Password',
    'Notes',
    'TOTP',
    'Folder',
    'Favorite',
    'Fields',
  ] as const) {
    if (content[key] === undefined && other[key] !== undefined) {
      (content as Record<string, unknown>)[key] = other[key];
    }
  }
  return content;
}

type Working = {
  entry: PasswordEntry;
  /** The row that added it, for entries new in this import. */
  addedByRow?: number;
};

/**
 * Plans the import of a CSV export into a catalog holding `existing` (docs/architecture.md section
 * 12): returns the report and the entries to write, and changes nothing. Throws a MeshError
 * (INVALID_ARGUMENT, details.reason: encoding, binary, csv, header, ambiguous; TOO_LARGE) for
 * a file that is not a readable export.
 */
export function planPasswordImport(
  existing: Iterable<PasswordEntry>,
  input: string | Uint8Array,
  options: PasswordImportOptions,
): PasswordImportPlan {
  const text = decodeCsvText(input, options.maxBytes);
  const records = parseRecords(text);
  const headerRecord = records[0];
  if (!headerRecord) throw malformed('header', 'The file is empty.', 1);
  const header = normaliseHeader(headerRecord.cells);
  // A row with more fields than the header is refused with the file: which cell is which
  // cannot be known (a quote gone wrong, usually). Fewer fields are reported per row below.
  const long = records.find((record) => record.cells.length > header.length);
  if (long) {
    throw malformed(
      'csv',
      `The file is not valid CSV (line ${long.line}): a row has more fields than the header.`,
      long.line,
    );
  }
  const format = options.format ?? detectCsvFormat(header);
  const definition: CsvFormatDefinition = CSV_FORMAT_DEFINITIONS[format];
  const missing = definition.required.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw malformed(
      'header',
      `The file is not a ${definition.name} export: it has no ${missing.join(', ')} column.`,
      1,
    );
  }

  const now = (options.context.now ?? (() => new Date()))();
  const deviceUdf = options.context.deviceUdf;
  const report: PasswordImportReport = {
    format,
    rows: records.length - 1,
    added: [],
    merged: [],
    skipped: [],
    warnings: header
      .filter((column) => !definition.known.includes(column))
      .map((column) => ({ line: 1, message: `The column "${column}" is not imported.` })),
  };

  // Entries by identity key; a key held by several entries resolves to the newest.
  const working = new Map<string, Working>();
  const byKey = new Map<string, string>();
  const register = (entry: PasswordEntry): void => {
    for (const key of identityKeys(entry)) {
      const holder = byKey.get(key);
      const current = holder === undefined ? undefined : (working.get(holder)?.entry ?? undefined);
      if (!current || Date.parse(entry.Updated) >= Date.parse(current.Updated)) {
        byKey.set(key, entry.Identifier);
      }
    }
  };
  const catalogEntries = new Map<string, PasswordEntry>();
  for (const entry of existing) {
    catalogEntries.set(entry.Identifier, entry);
    working.set(entry.Identifier, { entry });
  }
  for (const entry of catalogEntries.values()) register(entry);
  const touched = new Set<string>();
  const notKept = new Map<string, number>();

  const every = Math.max(1, options.progressEvery ?? 500);
  const total = records.length - 1;
  for (let index = 1; index < records.length; index += 1) {
    const record = records[index];
    if (!record) continue;
    const position: RowPosition = { row: index, line: record.line };
    if (index > 1 && (index - 1) % every === 0) options.onProgress?.({ done: index - 1, total });

    if (record.cells.every((cell) => cell.trim() === '')) {
      report.skipped.push({ ...position, reason: 'empty row' });
      continue;
    }
    if (record.cells.length < header.length) {
      const absent = header.slice(record.cells.length);
      report.warnings.push({
        ...position,
        message: `The row has ${record.cells.length} of ${header.length} fields: ${absent.map((column) => `"${column}"`).join(', ')} read as empty.`,
      });
    }
    for (const column of definition.notKept) {
      const at = header.indexOf(column);
      const value = at < 0 ? '' : (record.cells[at] ?? '').trim();
      if (value !== '' && value !== '0') notKept.set(column, (notKept.get(column) ?? 0) + 1);
    }
    const reading = definition.read((column) => {
      const at = header.indexOf(column);
      return at < 0 ? '' : (record.cells[at] ?? '');
    });
    if (reading.kind === 'skip') {
      report.skipped.push({ ...position, reason: reading.reason });
      continue;
    }
    const { login } = reading;
    if (
      login.username === undefined &&
      login.password === undefined &&
      login.notes === undefined &&
      login.totp === undefined &&
      login.urls.length === 0 &&
      login.fields === undefined
    ) {
      report.skipped.push({ ...position, reason: 'empty: nothing but a title or folder' });
      continue;
    }
    const checked = passwordEntryContentSchema.safeParse(contentFromLogin(login));
    if (!checked.success) {
      const field = checked.error.issues[0]?.path.map(String).join('.') ?? 'row';
      report.skipped.push({ ...position, reason: `the ${field} field is too long or malformed` });
      continue;
    }
    const row: PasswordEntryContent = contentOf<PasswordEntryContent>(checked.data);
    if (row.TOTP !== undefined && !isUsableTotp(row.TOTP)) {
      report.warnings.push({
        ...position,
        message: 'The TOTP secret is not understood; kept as it is.',
      });
    }
    const rowCreated = login.created ?? login.updated ?? now;
    const rowUpdated = login.updated ?? rowCreated;

    const targetId = identityKeys(row)
      .map((key) => byKey.get(key))
      .find((id) => id !== undefined);
    const target = targetId === undefined ? undefined : working.get(targetId);

    if (!target) {
      const created = createEntry(row, options.context);
      const entry: PasswordEntry = {
        ...created,
        Created: rowCreated.toISOString(),
        Updated: new Date(Math.max(rowUpdated.getTime(), rowCreated.getTime())).toISOString(),
      };
      working.set(entry.Identifier, { entry, addedByRow: index });
      touched.add(entry.Identifier);
      register(entry);
      report.added.push({
        ...position,
        identifier: entry.Identifier,
        name: entryDisplayName(entry),
      });
      continue;
    }

    const current = target.entry;
    const currentContent = contentOf<PasswordEntryContent>(current);
    if (holdsRow(currentContent, row)) {
      report.skipped.push({
        ...position,
        reason:
          target.addedByRow === undefined
            ? 'already in the catalog'
            : `duplicate of row ${target.addedByRow}`,
      });
      continue;
    }
    // A row the entry has already superseded (e.g. the same file imported twice) must not
    // bring the old password back.
    if (current.History.some((version) => holdsRow(version, row))) {
      report.skipped.push({ ...position, reason: 'an earlier version of an entry already there' });
      continue;
    }
    // The row wins ties: it is the later statement (a later row, or a fresh import).
    const rowWins = rowUpdated.getTime() >= Date.parse(current.Updated);
    const createdAt = new Date(Math.min(Date.parse(current.Created), rowCreated.getTime()));
    let entry: PasswordEntry;
    if (rowWins) {
      entry = supersedeEntry(current, combine(row, currentContent), {
        updated: laterThan(current.Updated, rowUpdated),
        deviceUdf,
        keepPrevious: true,
        created: createdAt.toISOString(),
      });
    } else {
      const content = combine(currentContent, row);
      entry = supersedeEntry(current, content, {
        updated: laterThan(current.Updated, new Date(0)),
        deviceUdf,
        keepPrevious: contentKey(content) !== contentKey(currentContent),
        extraVersions: [{ ...row, Updated: rowUpdated.toISOString(), UpdatedBy: deviceUdf }],
        created: createdAt.toISOString(),
      });
    }
    working.set(entry.Identifier, { ...target, entry });
    touched.add(entry.Identifier);
    register(entry);
    report.merged.push({
      ...position,
      identifier: entry.Identifier,
      name: entryDisplayName(entry),
      kept: rowWins ? 'row' : 'existing',
    });
  }
  options.onProgress?.({ done: total, total });
  for (const [column, rows] of notKept) {
    report.warnings.push({
      line: 1,
      message: `The column "${column}" is not kept (${rows} ${rows === 1 ? 'row has' : 'rows have'} a value).`,
    });
  }

  const changes: PlannedChange[] = [];
  for (const id of touched) {
    const item = working.get(id);
    if (!item) continue;
    changes.push({ entry: item.entry });
  }
  return { report, changes };
}
