import { describe, expect, it } from 'vitest';
import { PasswordCatalog } from '../../electron/core/passwords/password-catalog';
import type { ChangeContext } from '../../electron/core/catalog/entry-model';
import { passwordEntrySchema } from '../../shared/apps/password-entry';

function device(udf: string, start = Date.parse('2024-01-01T00:00:00Z')): ChangeContext {
  let tick = 0;
  let id = 0;
  return {
    deviceUdf: udf,
    now: () => new Date(start + 1000 * tick++),
    newIdentifier: () => `${udf}-${++id}`,
  };
}

function sample(): PasswordCatalog {
  const catalog = new PasswordCatalog();
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

describe('PasswordCatalog (draft-hallambaker-mesh-reference-03 section 5.7)', () => {
  it('adds entries with normalised sites and metadata', () => {
    const catalog = sample();
    const [entry] = catalog.findExact('example.com');
    expect(entry).toMatchObject({
      Sites: ['example.com'],
      Username: 'alice',
      Password: 'p1',
      UpdatedBy: 'DEV-A',
      History: [],
    });
    expect(passwordEntrySchema.safeParse(entry).success).toBe(true);
    expect(catalog.size).toBe(5);
  });

  it('finds entries for a site, best match first', () => {
    const catalog = sample();
    const titles = (q: string) => catalog.findBySite(q).map((m) => m.entry.Title);
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
    expect(catalog.findBySite('webmail.mail.example.com')[0]?.site).toBe(
      'webmail.mail.example.com',
    );
  });

  it('puts the most recently updated first among equal matches', () => {
    const catalog = new PasswordCatalog();
    const ctx = device('DEV-A');
    const old = catalog.add({ Sites: ['example.com'], Username: 'old', Password: 'x' }, ctx);
    catalog.add({ Sites: ['example.com'], Username: 'new', Password: 'y' }, ctx);
    expect(catalog.findBySite('example.com').map((m) => m.entry.Username)).toEqual(['new', 'old']);
    catalog.update(old.Identifier, { Password: 'z' }, ctx);
    expect(catalog.findBySite('example.com').map((m) => m.entry.Username)).toEqual(['old', 'new']);
  });

  it('searches title, sites, user name and notes, ignoring case, all words', () => {
    const catalog = sample();
    const titles = (q: string) => catalog.search(q).map((e) => e.Title);
    expect(titles('MAIL')).toEqual(['Mail', 'Webmail']);
    expect(titles('recovery pin')).toEqual(['Webmail']);
    expect(titles('alice.w')).toEqual(['Webmail']);
    expect(titles('bücher')).toEqual(['Bücher']);
    expect(titles('xn--bcher')).toEqual(['Bücher']);
    expect(titles('nothing-like-this')).toEqual([]);
    expect(titles('')).toHaveLength(5);
    expect(catalog.search('example', 2)).toHaveLength(2);
  });

  it('lists by display name', () => {
    expect(
      sample()
        .list()
        .map((e) => e.Title),
    ).toEqual(['Any example', 'Bücher', 'Example root', 'Mail', 'Webmail']);
  });

  it('updates an entry, keeping the previous version and reindexing sites', () => {
    const catalog = sample();
    const [entry] = catalog.findExact('example.com');
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
    expect(catalog.findBySite('example.com')).toEqual([]);
    expect(catalog.findBySite('example.org')[0]?.entry.Identifier).toBe(entry.Identifier);
    expect(catalog.update(entry.Identifier, { Notes: '' }, device('DEV-B'))).toBe(updated);
  });

  it('deletes an entry and forgets it in every index', () => {
    const catalog = sample();
    const [entry] = catalog.findExact('*.mail.example.com');
    if (!entry) throw new Error('missing');
    expect(catalog.delete(entry.Identifier).Title).toBe('Mail');
    expect(catalog.get(entry.Identifier)).toBeUndefined();
    expect(catalog.findBySite('imap.mail.example.com').map((m) => m.entry.Title)).toEqual([
      'Any example',
    ]);
    expect(catalog.search('Mail').map((e) => e.Title)).toEqual(['Webmail']);
    expect(() => catalog.delete(entry.Identifier)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('refuses invalid input with the field named', () => {
    const catalog = new PasswordCatalog();
    expect(() => catalog.add({ Sites: ['android://x@y/'], Password: 'p' }, device('D'))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() =>
      catalog.add({ Sites: ['a.example'], Password: 'x'.repeat(10_001) }, device('D')),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'Password' } }),
    );
    expect(() => catalog.put({ Identifier: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('merges concurrent edits from two devices to the same entry on both', () => {
    const deviceA = new PasswordCatalog();
    const original = deviceA.add(
      { Sites: ['example.com'], Username: 'alice', Password: 'one' },
      device('DEV-A'),
    );
    const deviceB = new PasswordCatalog([original]);
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
    const resultA = deviceA.mergeIn(onB);
    const resultB = deviceB.mergeIn(onA);
    expect(resultA).toEqual(resultB);
    expect(resultA.Password).toBe('three-from-B');
    expect(resultA.History.map((v) => v.Password)).toEqual(['two-from-A', 'one']);
  });

  it('applies planned changes all or nothing', () => {
    const catalog = sample();
    const [entry] = catalog.findExact('example.com');
    if (!entry) throw new Error('missing');
    const change = {
      entry: { ...entry, Password: 'planned' },
      replaces: { Identifier: entry.Identifier, Updated: entry.Updated },
    };
    const fresh = { entry: { ...entry, Identifier: 'NEW-1', Password: 'fresh' } };
    catalog.update(
      entry.Identifier,
      { Password: 'changed meanwhile' },
      device('DEV-C', Date.parse('2025-01-01T00:00:00Z')),
    );
    expect(() => catalog.applyChanges([fresh, change])).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(catalog.get('NEW-1')).toBeUndefined();
    expect(catalog.get(entry.Identifier)?.Password).toBe('changed meanwhile');
  });
});

describe('PasswordCatalog: TOTP checked at entry time, URLs and import fields kept', () => {
  it('refuses a TOTP secret that cannot make codes, naming the field', () => {
    const catalog = new PasswordCatalog();
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
    expect(catalog.size).toBe(0);
    const steam = catalog.add(
      { Sites: ['steampowered.com'], Password: 'p', TOTP: 'steam://JBSWY3DPEHPK3PXP' },
      device('DEV-A'),
    );
    expect(steam.TOTP).toBe('steam://JBSWY3DPEHPK3PXP');
    expect(() =>
      catalog.update(steam.Identifier, { TOTP: 'not base32!' }, device('DEV-A')),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('keeps a bad TOTP stored before when another field is edited', () => {
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
    const catalog = new PasswordCatalog([stored]);
    const edited = catalog.update('old-1', { Password: 'q' }, device('DEV-A'));
    expect(edited).toMatchObject({ Password: 'q', TOTP: 'NOTBASE32SECRET1189' });
  });

  it('keeps a URL typed as a site whole, and the import fields through an edit', () => {
    const catalog = new PasswordCatalog();
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

  it('reads entries stored before the new fields as they were', () => {
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
    expect(new PasswordCatalog([passwordEntrySchema.parse(old)]).get('old-2')).toEqual(old);
  });
});
