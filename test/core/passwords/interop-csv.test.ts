/**
 * The password exports of ../shared/interop-data/csv (SOURCES.md: files of pass-import,
 * Bitwarden and KeePassXC, none written here): every row accounted for, re-import adds nothing,
 * import → export → import keeps URLs, notes and the rest.
 */
import { afterEach, expect, it } from 'vitest';
import type { ChangeContext } from '../../../electron/core/catalog/entry-model';
import { contentOf } from '../../../electron/core/catalog/entry-model';
import { exportPasswordsCsv, urlsOfEntry } from '../../../electron/core/passwords/csv-export';
import { planPasswordImport } from '../../../electron/core/passwords/csv-import';
import type { PasswordEntry } from '../../../shared/apps/password-entry';
import { passwordEntrySchema } from '../../../shared/apps/password-entry';
import { passwordsOnDisk, type PasswordsOnDisk } from '../../support/catalog-on-disk';
import { describeInterop, interopFile, interopFiles } from '../../support/interop-data';

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

function context(name: string): ChangeContext {
  let id = 0;
  return {
    deviceUdf: 'DEV-INTEROP',
    now: () => new Date('2026-01-01T00:00:00.000Z'),
    newIdentifier: () => `${name}-${++id}`,
  };
}

/** What an entry holds that a round trip must keep (times and identifiers aside). */
function kept(entry: PasswordEntry) {
  const { URLs: _urls, ...content } = contentOf(entry);
  return { ...content, urls: urlsOfEntry(entry) };
}
const sorted = (entries: readonly PasswordEntry[]) =>
  entries.map(kept).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The one file published broken (an undoubled quote), kept for "a malformed file changes nothing". */
const MALFORMED = 'bwjslib-firefox-accounts.csv';

describeInterop('password exports of other programs (interop-data/csv)', () => {
  const files = interopFiles('csv');
  const readable = files.filter((name) => name !== MALFORMED);

  it('finds the data set', () => {
    expect(files).toContain(MALFORMED);
    expect(readable.length).toBeGreaterThanOrEqual(10);
  });

  it.each(readable)('%s: every row is added, merged or reported', (name) => {
    const { report, changes } = planPasswordImport([], interopFile('csv', name), {
      context: context(name),
    });
    const rows = [
      ...report.added.map((item) => item.row),
      ...report.merged.map((item) => item.row),
      ...report.skipped.map((item) => item.row),
    ].sort((a, b) => a - b);
    expect(rows).toEqual(Array.from({ length: report.rows }, (_, index) => index + 1));
    expect(report.added.length).toBeGreaterThan(0);
    for (const change of changes) passwordEntrySchema.parse(change.entry);
  });

  it.each(readable)('%s: imported again, adds and changes nothing', async (name) => {
    const catalog = await passwords();
    catalog.import(interopFile('csv', name), { context: context(name) });
    const before = catalog.index.list();
    const again = planPasswordImport(catalog.index.list(), interopFile('csv', name), {
      context: context(`${name}-again`),
    });
    expect(again.report.added).toEqual([]);
    expect(again.report.merged).toEqual([]);
    expect(again.changes).toEqual([]);
    expect(catalog.index.list()).toEqual(before);
  });

  it.each(readable)('%s: import → export → import keeps URLs, notes and the rest', async (name) => {
    const first = await passwords();
    first.import(interopFile('csv', name), { context: context(name) });
    const exported = exportPasswordsCsv(first.index.list());
    const second = await passwords();
    const report = second.import(exported, { context: context(`${name}-copy`) });
    expect(report.skipped).toEqual([]);
    expect(report.merged).toEqual([]);
    expect(sorted(second.index.list())).toEqual(sorted(first.index.list()));
  });

  it(`${MALFORMED}: refused with the line, nothing changed`, async () => {
    const catalog = await passwords();
    catalog.add({ Sites: ['keep.example'], Password: 'x' }, context('keep'));
    const before = catalog.index.list();
    expect(() =>
      catalog.import(interopFile('csv', MALFORMED), { context: context('bad') }),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { reason: 'csv', line: 2 } }),
    );
    expect(catalog.index.list()).toEqual(before);
  });

  it('keeps URLs whole: path, scheme and all', async () => {
    const catalog = await passwords();
    catalog.import(interopFile('csv', 'passimport-bitwarden.csv'), {
      context: context('bw'),
    });
    const ovh = catalog.index.findBySite('https://www.ovh.com/');
    expect(ovh).toHaveLength(2);
    for (const match of ovh) {
      expect(urlsOfEntry(match.entry)).toEqual(['https://www.ovh.com/manager/web/']);
    }
    const exported = exportPasswordsCsv(catalog.index.list());
    expect(exported).toContain('https://www.ovh.com/manager/web/');
    const lastpass = await passwords();
    lastpass.import(interopFile('csv', 'bwclients-lastpass.csv'), {
      context: context('lp'),
    });
    expect(urlsOfEntry(lastpass.index.findBySite('example.com')[0]!.entry)).toEqual([
      'http://example.com',
    ]);
  });

  it('keeps LastPass secure notes, groups and favourites', () => {
    const { changes } = planPasswordImport([], interopFile('csv', 'bwclients-lastpass.csv'), {
      context: context('lp'),
    });
    const notes = changes.map((change) => change.entry).filter((entry) => entry.Kind === 'note');
    expect(notes.map((entry) => entry.Title).sort()).toEqual([
      'Test Bank Account',
      'Test Drivers License',
      'Test Passport',
    ]);
    for (const note of notes) {
      expect(note.Folder).toBe('Tools Test Items');
      expect(note.Sites).toEqual([]);
      expect(note.URLs).toBeUndefined();
      expect(note.Notes).toMatch(/^NoteType:/);
    }
    const groups = planPasswordImport([], interopFile('csv', 'passimport-lastpass.csv'), {
      context: context('lp2'),
    });
    expect(groups.changes.map((change) => change.entry.Folder)).toContain('Emails/WS');
  });

  it("keeps Bitwarden's folder, favourite, custom fields and note items", () => {
    const sdk = planPasswordImport([], interopFile('csv', 'bwsdk-export.csv'), {
      context: context('sdk'),
    });
    const steam = sdk.changes
      .map((change) => change.entry)
      .find((e) => e.Title === 'Steam Account');
    expect(steam).toMatchObject({
      Folder: 'Test Folder B',
      Favorite: true,
      Fields: [
        { Name: 'Test', Value: 'v' },
        { Name: 'Hidden', Value: 'asdfer' },
      ],
      TOTP: 'steam://ABCD123',
    });
    // "ABCD123" is not base32: kept as it is, and said so.
    expect(sdk.report.warnings).toContainEqual(
      expect.objectContaining({
        row: 2,
        message: 'The TOTP secret is not understood; kept as it is.',
      }),
    );
    const other = planPasswordImport([], interopFile('csv', 'passimport-bitwarden-other.csv'), {
      context: context('other'),
    });
    const entries = other.changes.map((change) => change.entry);
    expect(entries.find((e) => e.Title === 'Some Note')).toMatchObject({
      Kind: 'note',
      Notes: 'This is a note sample.',
    });
    expect(entries.find((e) => e.Title === 'Some note only item')).toMatchObject({
      Favorite: true,
      Notes: 'Hello World!',
    });
  });

  it("reads Chrome's older ragged export with one warning per short row", () => {
    const { report } = planPasswordImport([], interopFile('csv', 'passimport-chrome.csv'), {
      context: context('chrome'),
    });
    const short = report.warnings.filter((warning) =>
      warning.message.startsWith('The row has 4 of 5'),
    );
    expect(short.map((warning) => warning.row)).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13]);
  });

  it('keeps KeePassXC groups, and its otpauth TOTP', () => {
    const { changes, report } = planPasswordImport(
      [],
      interopFile('csv', 'keepassxc-exporter.csv'),
      { context: context('kp') },
    );
    expect(changes.map((change) => change.entry)).toEqual([
      expect.objectContaining({
        Folder: 'Passwords/Test Group Name',
        Title: 'Test Entry Title',
        URLs: ['http://test.url'],
        TOTP: expect.stringMatching(/^otpauth:\/\/totp\/.*secret=DFDF/),
      }),
    ]);
    expect(report.skipped).toEqual([
      expect.objectContaining({ row: 2, reason: 'empty: nothing but a title or folder' }),
    ]);
    expect(report.warnings).toContainEqual({
      line: 1,
      message: 'The column "icon" is not kept (1 row has a value).',
    });
  });
});
