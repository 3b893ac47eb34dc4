import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentOf,
  mergeEntryVersions,
  reviseEntry,
} from '../../../electron/core/catalog/entry-model';
import type { PasswordEntryContent } from '../../../shared/apps/password-entry';
import { exportPasswordsCsv } from '../../../electron/core/passwords/csv-export';
import { planPasswordImport } from '../../../electron/core/passwords/csv-import';
import { passwordsOnDisk, type PasswordsOnDisk } from '../../support/catalog-on-disk';

// 10,000 entries stay fast, on the password catalog as the core holds it (a catalog replica in a
// local store, the password index over it). These figures are printed for the note; the bounds
// are loose (2 shared cores) and only catch a change of complexity, not noise.
const N = 10_000;
const words = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliett',
];

function bitwardenExport(count: number, passwordSuffix: string): string {
  const lines = [
    'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
  ];
  for (let i = 0; i < count; i += 1) {
    const word = words[i % words.length];
    lines.push(
      [
        'Imported',
        '',
        'login',
        `${word} account ${i}`,
        `"Notes for ${word} ${i}, with a comma"`,
        '',
        '0',
        `"https://www.${word}${i}.example.com/login,https://m.${word}${i}.example.com"`,
        `user${i}@example.com`,
        `"p${i}-${passwordSuffix}"`,
        i % 10 === 0 ? 'JBSWY3DPEHPK3PXP' : '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

let id = 0;
const context = (at: string) => ({
  deviceUdf: 'DEV-S',
  now: () => new Date(at),
  newIdentifier: () => `s-${++id}`,
});

describe(`${N.toLocaleString('en')} password entries`, () => {
  let catalog: PasswordsOnDisk;
  const figures: string[] = [];
  beforeAll(async () => {
    catalog = await passwordsOnDisk();
  });
  afterAll(() => catalog.close());

  it('imports, re-imports and merges a 10,000-row export', () => {
    const first = bitwardenExport(N, 'v1');
    const [report, importMs] = time(() =>
      catalog.import(first, { context: context('2025-01-01T00:00:00Z') }),
    );
    expect(report.added).toHaveLength(N);
    expect(catalog.index.size).toBe(N);
    figures.push(
      `import ${N} rows (${(first.length / 1e6).toFixed(1)} MB) into an empty catalog: ${importMs.toFixed(0)} ms`,
    );

    const [again, againMs] = time(() =>
      planPasswordImport(catalog.index.list(), first, { context: context('2025-01-02T00:00:00Z') }),
    );
    expect(again.changes).toHaveLength(0);
    figures.push(`re-import of the same file (all rows already there): ${againMs.toFixed(0)} ms`);

    const second = bitwardenExport(N, 'v2');
    const [merged, mergeMs] = time(() =>
      catalog.import(second, { context: context('2025-01-03T00:00:00Z') }),
    );
    expect(merged.merged).toHaveLength(N);
    expect(catalog.index.size).toBe(N);
    figures.push(`import ${N} changed rows merging into ${N} entries: ${mergeMs.toFixed(0)} ms`);
    expect(importMs).toBeLessThan(20_000);
    expect(mergeMs).toBeLessThan(20_000);
  });

  it('searches per keystroke and finds by site', () => {
    const typed = 'charlie account 4';
    catalog.index.search(''); // the list order is built once, on first use
    const perKeystroke: number[] = [];
    let last = 0;
    for (let i = 1; i <= typed.length; i += 1) {
      const [found, ms] = time(() => catalog.index.search(typed.slice(0, i)));
      perKeystroke.push(ms);
      last = found.length;
    }
    // Every word must occur: 'charlie' entries (i % 10 == 2) whose text holds a 4 somewhere.
    const expected = Array.from({ length: N }, (_, i) => i).filter(
      (i) => i % 10 === 2 && String(i).includes('4'),
    ).length;
    expect(last).toBe(expected);
    const mean = perKeystroke.reduce((a, b) => a + b, 0) / perKeystroke.length;
    const worst = Math.max(...perKeystroke);
    figures.push(
      `search per keystroke over ${N} entries: mean ${mean.toFixed(2)} ms, worst ${worst.toFixed(2)} ms`,
    );
    expect(worst).toBeLessThan(50);

    const [matches, siteMs] = time(() => {
      let total = 0;
      for (let i = 0; i < 1000; i += 1)
        total += catalog.index.findBySite(`https://m.${words[i % 10]}${i}.example.com/x`).length;
      return total;
    });
    expect(matches).toBe(1000);
    figures.push(`find by site: ${((siteMs * 1000) / 1000).toFixed(1)} µs per lookup`);
  });

  it('resolves a sync conflict on every entry', () => {
    const entries = catalog.index.list();
    const ours = entries.map((e) =>
      reviseEntry<PasswordEntryContent>(
        e,
        { ...contentOf<PasswordEntryContent>(e), Password: 'ours' },
        context('2025-02-01T00:00:00Z'),
      ),
    );
    const theirs = entries.map((e) =>
      reviseEntry<PasswordEntryContent>(
        e,
        { ...contentOf<PasswordEntryContent>(e), Password: 'theirs' },
        { ...context('2025-02-02T00:00:00Z'), deviceUdf: 'DEV-T' },
      ),
    );
    const [merged, ms] = time(() => ours.map((e, i) => mergeEntryVersions(e, theirs[i]!)));
    expect(merged.every((e) => e.Password === 'theirs' && e.History[0]?.Password === 'ours')).toBe(
      true,
    );
    figures.push(
      `merge of two versions: ${((ms * 1000) / N).toFixed(1)} µs per entry (${ms.toFixed(0)} ms for ${N})`,
    );
    const [, putMs] = time(() => catalog.put(...theirs));
    expect(catalog.index.list().every((e) => e.Password === 'theirs')).toBe(true);
    figures.push(
      `catalog change of every entry (merge + store + queue + reindex): ${((putMs * 1000) / N).toFixed(1)} µs per entry`,
    );
  });

  it('exports 10,000 entries', () => {
    const [text, ms] = time(() => exportPasswordsCsv(catalog.index.list()));
    expect(text.split('\n').length).toBeGreaterThan(N);
    figures.push(`export ${N} entries: ${ms.toFixed(0)} ms`);
    console.log(`\nPassword catalog figures:\n  ${figures.join('\n  ')}\n`);
  });
});
