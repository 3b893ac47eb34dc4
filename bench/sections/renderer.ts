/**
 * The password list in Chromium (docs/architecture.md section 10): 10,000 entries, one keystroke of
 * a search = the filter and the virtualized list rendered and laid out (bench/renderer/
 * filter-page.tsx, the renderer's own PasswordList and filter). Target: p95 under 50 ms per
 * keystroke. Reported also as a ratio to the same filter alone in plain JS (Node), on the same
 * rows and queries: what the page adds over the bare scan.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { filterPasswordRows, type PasswordRow } from '../../renderer/store/password-filter';
import { consume, seededRandom } from '../measure';
import { ratio, table, verdict } from '../report';
import { skipped, type BenchSection } from '../section';

const ENTRIES = 10_000;
const TARGET_MS = 50;
const CHROMIUM = process.env.MESH_TEST_CHROMIUM ?? '/usr/bin/chromium';

const words = ['mail', 'bank', 'shop', 'news', 'cloud', 'game', 'work', 'home', 'travel', 'music'];

/** 10,000 rows like a real vault: titles, usernames and sites from a seeded generator. */
export function benchRows(count = ENTRIES): PasswordRow[] {
  const random = seededRandom(42);
  return Array.from({ length: count }, (_, index) => {
    const word = words[Math.floor(random() * words.length)] as string;
    const site = `${word}${Math.floor(random() * 5000)}.example`;
    return {
      id: `entry-${index}`,
      title: `${word[0]?.toUpperCase()}${word.slice(1)} ${index}`,
      username: `user${Math.floor(random() * 900)}@${site}`,
      site: `https://${site}`,
    };
  });
}

/** The keystrokes of typing some searches, each prefix one keystroke, and deleting them. */
export function benchQueries(): string[] {
  const queries: string[] = [];
  for (const text of ['bank42', 'user1@mail', 'cloud 12', 'travel9999', 'zz']) {
    for (let i = 1; i <= text.length; i++) queries.push(text.slice(0, i));
    for (let i = text.length - 1; i >= 0; i--) queries.push(text.slice(0, i));
  }
  return queries;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const rendererSection: BenchSection = {
  name: 'renderer',
  title: 'Password search in Chromium, 10,000 entries',
  async run(progress) {
    if (!existsSync(CHROMIUM)) {
      return [skipped('keystroke in Chromium', `no Chromium at ${CHROMIUM}`)];
    }
    const rows = benchRows();
    const queries = benchQueries();
    const bundle = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('../renderer/filter-page.tsx', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      minify: true,
      write: false,
      logLevel: 'warning',
    });
    const script = bundle.outputFiles[0]?.text ?? '';

    // Plain JS: the same filter, same rows, same keystrokes, in Node (fresh rows each round, so
    // the per-list cache is built once per round as in the page).
    const plain: number[] = [];
    for (let round = 0; round < 5; round++) {
      const fresh = rows.map((row) => ({ ...row }));
      for (const query of queries) {
        const start = performance.now();
        consume(filterPasswordRows(fresh, query).length);
        plain.push(performance.now() - start);
      }
    }

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const page: number[] = [];
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 760 } });
      await tab.setContent(
        '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>',
      );
      // The renderer's own stylesheet: the list's fixed height is what keeps it virtual.
      await tab.addStyleTag({
        content: readFileSync(new URL('../../renderer/styles/app.css', import.meta.url), 'utf8'),
      });
      await tab.addScriptTag({ content: script });
      for (let round = 0; round < 5; round++) {
        progress(`  renderer: round ${round + 1}/5`);
        page.push(
          ...(await tab.evaluate(
            ([r, q]) =>
              (
                window as unknown as {
                  __benchKeystrokes: (rows: PasswordRow[], queries: string[]) => number[];
                }
              ).__benchKeystrokes(r, q),
            [rows, queries] as const,
          )),
        );
      }
    } finally {
      await browser.close();
    }
    const pageP95 = percentile(page, 95);
    const plainP95 = percentile(plain, 95);
    return [
      ...table(
        ['measure', 'p50 ms', 'p95 ms', 'max ms'],
        [
          [
            'keystroke in Chromium (filter + list render)',
            percentile(page, 50).toFixed(2),
            pageP95.toFixed(2),
            Math.max(...page).toFixed(2),
          ],
          [
            'the same filter in plain JS (Node)',
            percentile(plain, 50).toFixed(3),
            plainP95.toFixed(3),
            Math.max(...plain).toFixed(3),
          ],
        ],
      ),
      '',
      `- ${page.length} keystrokes over ${ENTRIES.toLocaleString('en')} entries; p95 ${pageP95.toFixed(2)} ms: ${verdict(pageP95, TARGET_MS, 'at-most')} (target < ${TARGET_MS} ms)`,
      `- Chromium keystroke p95 / plain-JS filter p95: ${ratio(pageP95 / plainP95)}`,
    ];
  },
};
