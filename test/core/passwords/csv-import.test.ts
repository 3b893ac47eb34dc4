import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../electron/core/catalog/entry-model';
import { detectCsvFormat, planPasswordImport } from '../../../electron/core/passwords/csv-import';
import { splitUriList } from '../../../electron/core/passwords/csv-formats';
import type { PasswordEntry } from '../../../shared/apps/password-entry';
import { passwordEntrySchema } from '../../../shared/apps/password-entry';
import { passwordsOnDisk, type PasswordsOnDisk } from '../../support/catalog-on-disk';

const opened: PasswordsOnDisk[] = [];
afterEach(() => {
  for (const catalog of opened.splice(0)) catalog.close();
});

/** An empty password catalog on disk, with the password application's index over it. */
async function passwords(): Promise<PasswordsOnDisk> {
  const catalog = await passwordsOnDisk();
  opened.push(catalog);
  return catalog;
}

const fixtures = join(__dirname, '..', '..', 'fixtures', 'csv');
const read = (name: string) => readFileSync(join(fixtures, name));
const IMPORT_TIME = '2025-01-01T00:00:00.000Z';

function context(): ChangeContext {
  let id = 0;
  return {
    deviceUdf: 'DEV-IMPORT',
    now: () => new Date(IMPORT_TIME),
    newIdentifier: () => `imp-${++id}`,
  };
}

function plan(name: string, existing: PasswordEntry[] = []) {
  return planPasswordImport(existing, read(name), { context: context() });
}

function byTitle(entries: PasswordEntry[], title: string): PasswordEntry {
  const found = entries.find((e) => e.Title === title);
  if (!found) throw new Error(`no entry ${title}`);
  return found;
}

function bySite(entries: PasswordEntry[], site: string): PasswordEntry {
  const found = entries.find((e) => e.Sites.includes(site));
  if (!found) throw new Error(`no entry for ${site}`);
  return found;
}

describe('CSV import: Chrome (BOM, CRLF, quoted commas/quotes/newlines, duplicates)', () => {
  const { report, changes } = plan('chrome.csv');
  const entries = changes.map((c) => c.entry);

  it('detects the format and reports every row', () => {
    expect(report.format).toBe('chrome');
    expect(report.rows).toBe(9);
    expect(report.added.map((a) => a.row)).toEqual([1, 2, 3, 5, 8, 9]);
    expect(report.merged).toEqual([
      { row: 7, line: 10, identifier: 'imp-2', name: 'GitHub', kept: 'row' },
    ]);
    expect(report.skipped).toEqual([
      { row: 4, line: 6, reason: 'empty row' },
      { row: 6, line: 9, reason: 'duplicate of row 2' },
    ]);
  });

  it('reads quoted commas, doubled quotes, embedded newlines and Unicode', () => {
    expect(bySite(entries, 'accounts.google.com').Password).toBe('p@ss,word');
    expect(byTitle(entries, 'Bank').Notes).toBe('Security question:\r\nfirst pet = Rex');
    expect(byTitle(entries, 'München Stadtwerke')).toMatchObject({
      Sites: ['www.xn--stadtwerke-mnchen-e3b.de'],
      Password: 'Grüße-2024!',
      Notes: 'Unicode notes ✓',
    });
    expect(byTitle(entries, 'Router').Sites).toEqual(['192.168.1.1:8080']);
  });

  it('merges the same site and user name: the later row wins, the earlier is in History', () => {
    const github = byTitle(entries, 'GitHub');
    expect(github.Password).toBe('newer-password');
    expect(github.Notes).toBe('Work account'); // blank in the newer row, kept from the older
    expect(github.History.map((v) => v.Password)).toEqual(['He said "hi"']);
  });

  it('keeps an app URL whole in an entry without sites', () => {
    const app = byTitle(entries, 'Android app');
    expect(app).toMatchObject({ Sites: [], URLs: ['android://AbCdEf0123==@com.example.app/'] });
    expect(app.Notes).toBeUndefined();
  });

  it('makes entries that pass the shared schema', () => {
    for (const entry of entries) expect(passwordEntrySchema.safeParse(entry).success).toBe(true);
  });
});

describe('CSV import: Firefox (times in ms since 1970)', () => {
  const { report, changes } = plan('firefox.csv');
  const entries = changes.map((c) => c.entry);

  it('maps timeCreated and timePasswordChanged to Created and Updated', () => {
    expect(bySite(entries, 'www.mozilla.org')).toMatchObject({
      Created: '2020-01-01T00:00:00.000Z',
      Updated: '2020-09-13T12:26:40.000Z',
      Password: 'moz,pass',
    });
    // No timePasswordChanged: Updated falls back to timeCreated.
    expect(bySite(entries, 'xn--bcher-kva.example').Updated).toBe('2020-01-01T00:00:00.000Z');
  });

  it('keeps the newer of two rows for one site and user, the older in History', () => {
    const example = bySite(entries, 'example.com');
    expect(example.Password).toBe('ex"ample');
    expect(example.Created).toBe('2014-05-13T16:53:20.000Z');
    expect(example.History).toEqual([
      {
        Sites: ['example.com'],
        URLs: ['https://example.com'],
        Username: 'alice',
        Password: 'older',
        Updated: '2014-05-13T16:53:20.000Z',
        UpdatedBy: 'DEV-IMPORT',
      },
    ]);
    expect(report.merged).toEqual([
      { row: 3, line: 4, identifier: example.Identifier, name: 'example.com', kept: 'existing' },
    ]);
  });

  it('skips the browser-internal Firefox account credential, with the reason', () => {
    expect(report.skipped).toEqual([
      { row: 4, line: 5, reason: 'browser-internal credential (chrome://FirefoxAccounts)' },
    ]);
    expect(bySite(entries, 'intranet.example:8080').Password).toBe('intra\nnet');
  });
});

describe('CSV import: Bitwarden (several URIs, notes, custom fields, TOTP)', () => {
  const { report, changes } = plan('bitwarden.csv');
  const entries = changes.map((c) => c.entry);

  it('splits login_uri into sites and keeps every URI whole, app URIs too', () => {
    const example = byTitle(entries, 'Example');
    expect(example).toMatchObject({
      Sites: ['example.com', 'login.example.com'],
      Password: 'pa"ss,word',
      Notes: 'Line one\nline two',
      TOTP: 'JBSWY3DPEHPK3PXP',
    });
    expect(example.URLs).toContain('androidapp://com.example.android');
    expect(example.URLs).toHaveLength(3);
  });

  it('keeps wildcard sites, custom fields and otpauth URIs', () => {
    expect(byTitle(entries, 'Intranet')).toMatchObject({
      Sites: ['*.corp.example'],
      Fields: [{ Name: 'PIN', Value: '1234' }],
      TOTP: expect.stringMatching(/^otpauth:\/\/totp\//),
    });
  });

  it('keeps secure notes as note entries, and skips what is a duplicate or empty', () => {
    expect(entries.filter((entry) => entry.Kind === 'note')).toHaveLength(1);
    expect(report.skipped).toEqual([
      { row: 5, line: 7, reason: 'duplicate of row 1' },
      { row: 6, line: 8, reason: 'empty row' },
    ]);
  });

  it('imports a Steam Guard secret, which makes codes, without a warning', () => {
    expect(byTitle(entries, 'Steam').TOTP).toBe('steam://ABCDEFGH');
    expect(report.warnings).toEqual([]);
  });

  it('imports a TOTP it cannot use as it is, with a warning', () => {
    const text =
      'folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n' +
      ',,login,Game,,,https://game.example,gamer,pw,steam://ABCD123\n';
    const { report: bad, changes: made } = planPasswordImport([], text, { context: context() });
    expect(made[0]?.entry.TOTP).toBe('steam://ABCD123');
    expect(bad.warnings).toEqual([
      { row: 1, line: 2, message: 'The TOTP secret is not understood; kept as it is.' },
    ]);
  });

  it('does not split a URI at a comma inside its query', () => {
    expect(
      splitUriList('https://a.example/?x=1,2,https://b.example,c.example:8080,*.d.example'),
    ).toEqual(['https://a.example/?x=1,2', 'https://b.example', 'c.example:8080', '*.d.example']);
  });
});

describe('CSV import: LastPass', () => {
  const { report, changes } = plan('lastpass.csv');
  const entries = changes.map((c) => c.entry);

  it('reads name, extra and totp, and keeps http://sn secure notes as notes', () => {
    expect(report.format).toBe('lastpass');
    expect(byTitle(entries, 'Twitter')).toMatchObject({
      Sites: ['twitter.com'],
      Notes: 'Recovery codes: 1111 2222',
      TOTP: 'JBSWY3DPEHPK3PXP',
    });
    expect(byTitle(entries, 'Café')).toMatchObject({
      Sites: ['xn--caf-dma.example'],
      Username: 'renée',
      Password: 'çà "et" là',
    });
    expect(report.skipped.map((s) => s.reason)).toEqual(['duplicate of row 3', 'empty row']);
    expect(entries).toHaveLength(4);
    expect(entries.filter((entry) => entry.Kind === 'note')).toHaveLength(1);
  });
});

describe('CSV import: KeePassXC', () => {
  it('reads the newer columns: TOTP, Last Modified, Created', () => {
    const { report, changes } = plan('keepassxc.csv');
    const entries = changes.map((c) => c.entry);
    const email = byTitle(entries, 'Email');
    expect(email).toMatchObject({
      Password: 'mail-pass',
      Created: '2023-01-15T08:00:00.000Z',
      TOTP: expect.stringContaining('GEZDGNBVGY3TQOJQ'),
    });
    // The older row merged into it: the current version stays, the row goes to History.
    expect(email.History.map((v) => [v.Password, v.Updated])).toEqual([
      ['mail-pass-older', '2023-02-01T00:00:00.000Z'],
    ]);
    expect(report.merged[0]).toMatchObject({ row: 4, kept: 'existing' });
    expect(byTitle(entries, 'SSH box')).toMatchObject({
      Sites: [],
      Password: 'ssh"pass',
      Notes: 'Host: 10.0.0.5, port 22',
    });
    expect(byTitle(entries, 'Bücherei').Password).toBe('lesen,\nschreiben');
    expect(report.skipped).toEqual([{ row: 3, line: 4, reason: 'in the Recycle Bin' }]);
  });

  it('reads the six-column export of older versions', () => {
    const { report, changes } = plan('keepassxc-legacy.csv');
    expect(report.format).toBe('keepassxc');
    expect(changes.map((c) => c.entry.Title)).toEqual(['Forum', 'Wi-Fi']);
    expect(
      byTitle(
        changes.map((c) => c.entry),
        'Wi-Fi',
      ),
    ).toMatchObject({ Sites: [], Password: 'home-wifi-pass' });
  });
});

describe('CSV import into a catalog', () => {
  it('merges into existing entries instead of duplicating, and is idempotent', async () => {
    const catalog = await passwords();
    const existing = catalog.add(
      {
        Sites: ['github.com'],
        Username: 'alice',
        Password: 'mesh-password',
        Notes: 'kept in Mesh',
      },
      { deviceUdf: 'DEV-A', now: () => new Date('2024-06-01T00:00:00Z') },
    );
    const first = catalog.import(read('chrome.csv'), { context: context() });
    expect(first.merged.map((m) => m.identifier)).toEqual([
      existing.Identifier,
      existing.Identifier,
    ]);
    const github = catalog.replica.entry(existing.Identifier);
    expect(github?.Password).toBe('newer-password');
    expect(github?.History.map((v) => v.Password)).toEqual(['He said "hi"', 'mesh-password']);
    expect(catalog.index.findBySite('https://github.com/')).toHaveLength(1);
    const size = catalog.index.size;

    const again = catalog.import(read('chrome.csv'), { context: context() });
    expect(again.added).toEqual([]);
    expect(again.merged).toEqual([]);
    expect(catalog.index.size).toBe(size);
    expect(
      again.skipped.filter((s) => s.reason === 'already in the catalog').map((s) => s.row),
    ).toEqual([1, 3, 5, 7, 8, 9]);
    expect(again.skipped.filter((s) => s.row === 2 || s.row === 6).map((s) => s.reason)).toEqual([
      'an earlier version of an entry already there',
      'an earlier version of an entry already there',
    ]);
    expect(catalog.replica.entry(existing.Identifier)).toEqual(github);
  });

  it('reports rows that lose to a newer catalog entry as merged, kept existing', async () => {
    const catalog = await passwords();
    const newer = catalog.add(
      { Sites: ['example.com'], Username: 'alice', Password: 'changed-in-mesh' },
      { deviceUdf: 'DEV-A', now: () => new Date('2024-06-01T00:00:00Z') },
    );
    const report = catalog.import(read('firefox.csv'), { context: context() });
    expect(
      report.merged.filter((m) => m.identifier === newer.Identifier).map((m) => m.kept),
    ).toEqual(['existing', 'existing']);
    const entry = catalog.replica.entry(newer.Identifier);
    expect(entry?.Password).toBe('changed-in-mesh');
    // The rows' URL joins the entry (a change), so the version before the import is kept too.
    expect(entry?.URLs).toEqual(['https://example.com']);
    expect(entry?.History.map((v) => v.Password)).toEqual(['changed-in-mesh', 'ex"ample', 'older']);
  });

  it('reports progress every N rows and at the end', () => {
    const seen: [number, number][] = [];
    planPasswordImport([], read('chrome.csv'), {
      context: context(),
      progressEvery: 4,
      onProgress: ({ done, total }) => seen.push([done, total]),
    });
    expect(seen).toEqual([
      [4, 9],
      [8, 9],
      [9, 9],
    ]);
  });
});

describe('CSV import: format detection and malformed files', () => {
  it('detects each format from its header', () => {
    expect(detectCsvFormat(['name', 'url', 'username', 'password', 'note'])).toBe('chrome');
    expect(detectCsvFormat(['name', 'url', 'username', 'password'])).toBe('chrome');
    expect(
      detectCsvFormat([
        'url',
        'username',
        'password',
        'httprealm',
        'formactionorigin',
        'guid',
        'timecreated',
        'timelastused',
        'timepasswordchanged',
      ]),
    ).toBe('firefox');
    expect(
      detectCsvFormat(['url', 'username', 'password', 'totp', 'extra', 'name', 'grouping', 'fav']),
    ).toBe('lastpass');
    expect(detectCsvFormat(['group', 'title', 'username', 'password', 'url', 'notes'])).toBe(
      'keepassxc',
    );
    expect(
      detectCsvFormat([
        'collections',
        'type',
        'name',
        'notes',
        'fields',
        'reprompt',
        'login_uri',
        'login_username',
        'login_password',
        'login_totp',
      ]),
    ).toBe('bitwarden');
  });

  it('follows a format the user names, and refuses a file that lacks its columns', () => {
    const text = 'url,username,password\nhttps://a.example,al,pw\n';
    expect(planPasswordImport([], text, { context: context() }).report.format).toBe('firefox');
    expect(() => planPasswordImport([], text, { context: context(), format: 'chrome' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('has no name column'),
      }),
    );
  });

  it('warns about columns it does not import', () => {
    const text = 'name,url,username,password,note,colour\nA,https://a.example,al,pw,,blue\n';
    expect(planPasswordImport([], text, { context: context() }).report.warnings).toEqual([
      { line: 1, message: 'The column "colour" is not imported.' },
    ]);
  });

  it.each([
    ['malformed-header.csv', 'header', 1],
    ['malformed-ragged.csv', 'csv', 3],
    ['malformed-quote.csv', 'csv', 2],
  ])('%s: a clear error, nothing changed', async (name, reason, line) => {
    const catalog = await passwords();
    catalog.add({ Sites: ['keep.example'], Password: 'x' }, context());
    const before = [...catalog.index.list()];
    expect(() => catalog.import(read(name), { context: context() })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { reason, line } }),
    );
    expect(catalog.index.list()).toEqual(before);
  });

  it('never quotes a cell in its error', () => {
    const text = 'name,url,username,password,note\nA,https://a.example,al,"sec"ret-value,\n';
    try {
      planPasswordImport([], text, { context: context() });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('ret-value');
      expect((error as Error).message).toContain('line 2');
    }
  });

  it('refuses binary, undecodable, empty and oversized input', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(() => planPasswordImport([], png, { context: context() })).toThrow(
      expect.objectContaining({ details: { reason: 'encoding' } }),
    );
    const nul = new TextEncoder().encode('name,url,username,password\n\u0000\u0001,b,c,d\n');
    expect(() => planPasswordImport([], nul, { context: context() })).toThrow(
      expect.objectContaining({ details: { reason: 'binary' } }),
    );
    expect(() => planPasswordImport([], '', { context: context() })).toThrow(
      expect.objectContaining({ details: { reason: 'header', line: 1 } }),
    );
    expect(() =>
      planPasswordImport([], 'x'.repeat(100), { context: context(), maxBytes: 10 }),
    ).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('reads UTF-16 with a byte order mark', () => {
    const text = '\ufeffname,url,username,password,note\nÜber,https://über.example,ü,pw,\n';
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i += 1) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    const { changes } = planPasswordImport([], bytes, { context: context() });
    expect(changes[0]?.entry).toMatchObject({
      Title: 'Über',
      Sites: ['xn--ber-goa.example'],
      Username: 'ü',
    });
  });

  it('keeps a row with only a site, and skips one with nothing but a title', () => {
    const text = 'name,url,username,password,note\nOnly a site,https://a.example/x,,,\nTitle,,,,\n';
    const { report, changes } = planPasswordImport([], text, { context: context() });
    expect(changes.map((change) => change.entry.URLs)).toEqual([['https://a.example/x']]);
    expect(report.skipped).toEqual([
      { row: 2, line: 3, reason: 'empty: nothing but a title or folder' },
    ]);
  });

  it('reads ragged rows (fewer fields than the header) with a warning for each', () => {
    const text =
      'name,url,username,password,note\nA,https://a.example,al,pw\nB,https://b.example,bo,pw,n\n';
    const { report, changes } = planPasswordImport([], text, { context: context() });
    expect(changes).toHaveLength(2);
    expect(report.warnings).toEqual([
      { row: 1, line: 2, message: 'The row has 4 of 5 fields: "note" read as empty.' },
    ]);
  });
});
