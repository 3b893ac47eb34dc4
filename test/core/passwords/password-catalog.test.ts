/**
 * Password entries as they are made and edited (password-catalog.ts) and found (password-index.ts),
 * on a real catalog replica in a local store: the one in-memory view the password application
 * reads (electron/core/catalog/catalog-replica.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  newPasswordEntry,
  revisePasswordEntry,
  type PasswordEntryInput,
} from '../../../electron/core/passwords/password-catalog';
import { passwordEntrySchema } from '../../../shared/apps/password-entry';
import type { ChangeContext } from '../../../electron/core/catalog/entry-model';
import {
  passwordsOnDisk,
  tickingDevice as device,
  type PasswordsOnDisk,
} from '../../support/catalog-on-disk';

const opened: PasswordsOnDisk[] = [];
afterEach(() => {
  for (const catalog of opened.splice(0)) catalog.close();
});

/** An empty password catalog with add and update as the password application makes them. */
async function empty() {
  const catalog = await passwordsOnDisk();
  opened.push(catalog);
  return {
    ...catalog,
    update(id: string, changes: Partial<PasswordEntryInput>, context: ChangeContext) {
      const current = catalog.replica.entry(id)!;
      const revised = revisePasswordEntry(current, changes, context);
      if (revised !== current) catalog.put(revised);
      return catalog.replica.entry(id)!;
    },
  };
}

async function sample() {
  const catalog = await empty();
  const ctx = device('DEV-A');
  catalog.add(
    {
      Title: 'Example root',
      Sites: ['https://example.com/login'],
      Username: 'alice',
      Password: 'p1',
    },
    ctx,
  );
  catalog.add(
    { Title: 'Any example', Sites: ['*.example.com'], Username: 'alice', Password: 'p2' },
    ctx,
  );
  catalog.add(
    { Title: 'Mail', Sites: ['*.mail.example.com'], Username: 'alice', Password: 'p3' },
    ctx,
  );
  catalog.add(
    {
      Title: 'Webmail',
      Sites: ['webmail.mail.example.com'],
      Username: 'alice.w',
      Password: 'p4',
      Notes: 'Recovery PIN in the safe',
    },
    ctx,
  );
  catalog.add({ Title: 'Bücher', Sites: ['bücher.de'], Username: 'leser', Password: 'p5' }, ctx);
  return catalog;
}

describe('password entries on their catalog (draft-hallambaker-mesh-reference-03 section 5.7)', () => {
  it('adds entries with normalised sites and metadata', async () => {
    const catalog = await sample();
    const [entry] = catalog.index.findExact('example.com');
    expect(entry).toMatchObject({
      Sites: ['example.com'],
      Username: 'alice',
      Password: 'p1',
      UpdatedBy: 'DEV-A',
      History: [],
    });
    expect(passwordEntrySchema.safeParse(entry).success).toBe(true);
    expect(catalog.index.size).toBe(5);
  });

  it('finds entries for a site, best match first', async () => {
    const catalog = await sample();
    const titles = (q: string) => catalog.index.findBySite(q).map((m) => m.entry.Title);
    expect(titles('https://webmail.mail.example.com/inbox')).toEqual([
      'Webmail',
      'Mail',
      'Any example',
    ]);
    expect(titles('https://imap.mail.example.com')).toEqual(['Mail', 'Any example']);
    expect(titles('https://example.com/')).toEqual(['Example root']);
    expect(titles('www.example.com')).toEqual(['Any example']);
    expect(titles('https://xn--bcher-kva.de/')).toEqual(['Bücher']);
    expect(titles('https://bücher.de/')).toEqual(['Bücher']);
    expect(titles('example.org')).toEqual([]);
    expect(catalog.index.findBySite('webmail.mail.example.com')[0]?.site).toBe(
      'webmail.mail.example.com',
    );
  });

  it('puts the most recently updated first among equal matches', async () => {
    const catalog = await empty();
    const ctx = device('DEV-A');
    const old = catalog.add({ Sites: ['example.com'], Username: 'old', Password: 'x' }, ctx);
    catalog.add({ Sites: ['example.com'], Username: 'new', Password: 'y' }, ctx);
    const users = () => catalog.index.findBySite('example.com').map((m) => m.entry.Username);
    expect(users()).toEqual(['new', 'old']);
    catalog.update(old.Identifier, { Password: 'z' }, ctx);
    expect(users()).toEqual(['old', 'new']);
  });

  it('searches title, sites, user name and notes, ignoring case, all words', async () => {
    const catalog = await sample();
    const titles = (q: string) => catalog.index.search(q).map((e) => e.Title);
    expect(titles('MAIL')).toEqual(['Mail', 'Webmail']);
    expect(titles('recovery pin')).toEqual(['Webmail']);
    expect(titles('alice.w')).toEqual(['Webmail']);
    expect(titles('bücher')).toEqual(['Bücher']);
    expect(titles('xn--bcher')).toEqual(['Bücher']);
    expect(titles('nothing-like-this')).toEqual([]);
    expect(titles('')).toHaveLength(5);
    expect(catalog.index.search('example', 2)).toHaveLength(2);
  });

  it('lists by display name', async () => {
    const catalog = await sample();
    expect(catalog.index.list().map((e) => e.Title)).toEqual([
      'Any example',
      'Bücher',
      'Example root',
      'Mail',
      'Webmail',
    ]);
  });

  it('updates an entry, keeping the previous version and reindexing sites', async () => {
    const catalog = await sample();
    const [entry] = catalog.index.findExact('example.com');
    if (!entry) throw new Error('missing');
    const updated = catalog.update(
      entry.Identifier,
      { Sites: ['example.org'], Password: 'new' },
      device('DEV-B', Date.parse('2024-06-01T00:00:00Z')),
    );
    expect(updated.Password).toBe('new');
    expect(updated.UpdatedBy).toBe('DEV-B');
    expect(updated.History[0]).toMatchObject({
      Password: 'p1',
      Sites: ['example.com'],
      UpdatedBy: 'DEV-A',
    });
    expect(catalog.index.findBySite('example.com')).toEqual([]);
    expect(catalog.index.findBySite('example.org')[0]?.entry.Identifier).toBe(entry.Identifier);
    expect(revisePasswordEntry(updated, { Notes: '' }, device('DEV-B'))).toBe(updated);
  });

  it('deletes an entry and forgets it in every index', async () => {
    const catalog = await sample();
    const [entry] = catalog.index.findExact('*.mail.example.com');
    if (!entry) throw new Error('missing');
    expect(entry.Title).toBe('Mail');
    catalog.replica.change([
      {
        Deleted: {
          Identifier: entry.Identifier,
          Updated: '2024-06-01T00:00:00.000Z',
          UpdatedBy: 'DEV-A',
        },
      },
    ]);
    expect(catalog.replica.entry(entry.Identifier)).toBeUndefined();
    expect(catalog.index.findBySite('imap.mail.example.com').map((m) => m.entry.Title)).toEqual([
      'Any example',
    ]);
    expect(catalog.index.search('Mail').map((e) => e.Title)).toEqual(['Webmail']);
    expect(catalog.index.size).toBe(4);
  });

  it('refuses invalid input with the field named', () => {
    expect(() =>
      newPasswordEntry({ Sites: ['android://x@y/'], Password: 'p' }, device('D')),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() =>
      newPasswordEntry({ Sites: ['a.example'], Password: 'x'.repeat(10_001) }, device('D')),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'Password' } }),
    );
  });

  it('merges concurrent edits from two devices to the same entry on both', async () => {
    const deviceA = await empty();
    const original = deviceA.add(
      { Sites: ['example.com'], Username: 'alice', Password: 'one' },
      device('DEV-A'),
    );
    const deviceB = await empty();
    deviceB.put(original);
    const onA = deviceA.update(
      original.Identifier,
      { Password: 'two-from-A' },
      device('DEV-A', Date.parse('2024-03-01T00:00:00Z')),
    );
    const onB = deviceB.update(
      original.Identifier,
      { Password: 'three-from-B' },
      device('DEV-B', Date.parse('2024-03-02T00:00:00Z')),
    );
    deviceA.put(onB);
    deviceB.put(onA);
    const resultA = deviceA.replica.entry(original.Identifier);
    expect(resultA).toEqual(deviceB.replica.entry(original.Identifier));
    expect(resultA?.Password).toBe('three-from-B');
    expect(resultA?.History.map((v) => v.Password)).toEqual(['two-from-A', 'one']);
  });
});

describe('password entries: TOTP checked at entry time, URLs and import fields kept', () => {
  it('refuses a TOTP secret that cannot make codes, naming the field', async () => {
    const catalog = await empty();
    for (const totp of ['NOTBASE32SECRET1189', 'steam://ABCD123', 'ftp://x']) {
      expect(() =>
        catalog.add({ Sites: ['a.example'], Password: 'p', TOTP: totp }, device('DEV-A')),
      ).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          details: expect.objectContaining({ field: 'TOTP' }),
        }),
      );
    }
    expect(catalog.index.size).toBe(0);
    const steam = catalog.add(
      { Sites: ['steampowered.com'], Password: 'p', TOTP: 'steam://JBSWY3DPEHPK3PXP' },
      device('DEV-A'),
    );
    expect(steam.TOTP).toBe('steam://JBSWY3DPEHPK3PXP');
    expect(() =>
      catalog.update(steam.Identifier, { TOTP: 'not base32!' }, device('DEV-A')),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('keeps a bad TOTP stored before when another field is edited', async () => {
    const stored = passwordEntrySchema.parse({
      Identifier: 'old-1',
      Created: '2024-01-01T00:00:00.000Z',
      Updated: '2024-01-01T00:00:00.000Z',
      UpdatedBy: 'DEV-OLD',
      History: [],
      Sites: ['old.example'],
      Password: 'p',
      TOTP: 'NOTBASE32SECRET1189',
    });
    const catalog = await empty();
    catalog.put(stored);
    const edited = catalog.update('old-1', { Password: 'q' }, device('DEV-A'));
    expect(edited).toMatchObject({ Password: 'q', TOTP: 'NOTBASE32SECRET1189' });
  });

  it('keeps a URL typed as a site whole, and the import fields through an edit', async () => {
    const catalog = await empty();
    const entry = catalog.add(
      {
        Sites: ['https://www.ovh.com/manager/web/', 'example.org'],
        Username: 'u',
        Folder: 'Servers',
        Favorite: true,
        Fields: [{ Name: 'PIN', Value: '1234' }],
      },
      device('DEV-A'),
    );
    expect(entry).toMatchObject({
      Sites: ['www.ovh.com', 'example.org'],
      URLs: ['https://www.ovh.com/manager/web/'],
    });
    const edited = catalog.update(entry.Identifier, { Password: 'new' }, device('DEV-A'));
    expect(edited).toMatchObject({
      URLs: ['https://www.ovh.com/manager/web/'],
      Folder: 'Servers',
      Favorite: true,
      Fields: [{ Name: 'PIN', Value: '1234' }],
    });
    // A site taken away takes its URL with it.
    const narrowed = catalog.update(entry.Identifier, { Sites: ['example.org'] }, device('DEV-A'));
    expect(narrowed.URLs).toBeUndefined();
  });

  it('reads entries stored before the new fields as they were', async () => {
    const old = {
      Identifier: 'old-2',
      Created: '2024-01-01T00:00:00.000Z',
      Updated: '2024-01-01T00:00:00.000Z',
      UpdatedBy: 'DEV-OLD',
      History: [],
      Title: 'Old',
      Sites: ['old.example'],
      Username: 'u',
      Password: 'p',
    };
    const catalog = await empty();
    catalog.put(passwordEntrySchema.parse(old));
    expect(catalog.replica.entry('old-2')).toEqual(old);
  });
});
