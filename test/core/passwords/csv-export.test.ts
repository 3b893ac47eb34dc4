import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { contentOf } from '../../../electron/core/catalog/entry-model';
import { exportPasswordsCsv, uriForSite } from '../../../electron/core/passwords/csv-export';
import { planPasswordImport } from '../../../electron/core/passwords/csv-import';
import type { PasswordEntry } from '../../../shared/apps/password-entry';
import { passwordsOnDisk, type PasswordsOnDisk } from '../../support/catalog-on-disk';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'csv');
let counter = 0;
const context = () => ({
  deviceUdf: 'DEV-X',
  now: () => new Date('2025-02-01T00:00:00Z'),
  newIdentifier: () => `x-${++counter}`,
});

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

/** A catalog holding what every fixture imports, plus a few awkward entries. */
async function fullCatalog(): Promise<PasswordsOnDisk> {
  const catalog = await passwords();
  for (const name of [
    'chrome.csv',
    'firefox.csv',
    'bitwarden.csv',
    'lastpass.csv',
    'keepassxc.csv',
  ]) {
    catalog.import(readFileSync(join(fixtures, name)), { context: context() });
  }
  catalog.add(
    {
      Title: 'Loopback',
      Sites: ['http://[::1]:8080/', '*.internal.example:8443'],
      Username: 'op',
      Password: ' leading and trailing spaces ',
    },
    context(),
  );
  catalog.add(
    {
      Title: '=HYPERLINK("x")',
      Sites: [],
      Username: 'formula',
      Password: '"quoted", with comma',
      Notes: 'line1\r\nline2\nline3',
    },
    context(),
  );
  return catalog;
}

const comparable = (entries: readonly PasswordEntry[]) =>
  entries
    .map((e) => contentOf(e))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('exportPasswordsCsv', () => {
  it('writes Bitwarden columns by default', async () => {
    const text = exportPasswordsCsv((await fullCatalog()).index.list());
    expect(text.split('\n')[0]).toBe(
      'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
    );
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const example = rows.find((r) => r.name === 'Example');
    expect(example).toMatchObject({
      type: 'login',
      // The URLs as the import read them, whole (path, query, app URI), not rebuilt from hosts.
      login_uri:
        'https://example.com,https://login.example.com/auth?x=1,2,androidapp://com.example.android',
      login_username: 'alice',
      login_password: 'pa"ss,word',
      login_totp: 'JBSWY3DPEHPK3PXP',
    });
  });

  it('round-trips every entry through the importer (Bitwarden)', async () => {
    const source = await fullCatalog();
    const text = exportPasswordsCsv(source.index.list());
    const copy = await passwords();
    const report = copy.import(text, { context: context() });
    expect(report.format).toBe('bitwarden');
    expect(report.skipped).toEqual([]);
    expect(report.merged).toEqual([]);
    expect(comparable(copy.index.list())).toEqual(comparable(source.index.list()));
  });

  it('changes nothing when re-imported into the catalog it came from', async () => {
    const source = await fullCatalog();
    const before = [...source.index.list()];
    const { report, changes } = planPasswordImport(before, exportPasswordsCsv(before), {
      context: context(),
    });
    expect(changes).toEqual([]);
    expect(report.skipped.every((s) => s.reason === 'already in the catalog')).toBe(true);
    expect(report.skipped).toHaveLength(before.length);
  });

  it('writes Chrome columns, one row per site, and reads back sites, user names and passwords', async () => {
    const source = await fullCatalog();
    const text = exportPasswordsCsv(source.index.list(), { format: 'chrome' });
    expect(text.split('\n')[0]).toBe('name,url,username,password,note');
    const copy = await passwords();
    copy.import(text, { context: context() });
    const pick = (e: PasswordEntry) =>
      [e.Username ?? '', e.Password ?? '', e.Notes ?? ''].join('|');
    const sitesOf = (catalog: PasswordsOnDisk) =>
      catalog.index
        .list()
        .flatMap((e) => (e.Sites.length ? e.Sites : ['']).map((s) => `${s}|${pick(e)}`))
        .sort();
    expect(sitesOf(copy)).toEqual(sitesOf(source));
  });

  it('writes wildcard sites as patterns and other sites as https URLs', () => {
    expect(uriForSite('*.example.com')).toBe('*.example.com');
    expect(uriForSite('example.com:8443')).toBe('https://example.com:8443/');
    expect(uriForSite('[::1]')).toBe('https://[::1]/');
  });
});
