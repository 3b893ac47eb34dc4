/**
 * What every journey does on each screen: axe-core (node_modules/axe-core/axe.min.js, evaluated
 * in the page, which the CSP does not block since it does not come from the page) in light and
 * dark, asserting no serious or critical violation, and a screenshot per theme in
 * test-results/screens/<name>-<theme>.png.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { root } from '../../../scripts/build.mjs';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
export const screenshotDir = join(root, 'test-results', 'screens');
mkdirSync(screenshotDir, { recursive: true });

export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** What axe found on the page as it is, serious and critical only. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const already = await page.evaluate(() => 'axe' in window);
  if (!already) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: unknown,
          ) => Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
  });
}

/** Results of every screen checked, for the journey's summary. */
export const checked: { name: string; theme: string; violations: number; path: string }[] = [];

/** axe in light and dark, a screenshot of each; fails on any serious or critical violation. */
/** Print what the screens checked so far gave, for a person reading the test log. */
export function logScreensChecked(): void {
  console.log(
    'screens checked:\n' +
      checked.map((c) => `  ${c.name}-${c.theme}: ${c.violations} serious/critical`).join('\n'),
  );
}

export async function checkScreen(page: Page, name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    const violations = await seriousViolations(page);
    const path = join(screenshotDir, `${name}-${theme}.png`);
    await page.screenshot({ path, fullPage: true });
    checked.push({ name, theme, violations: violations.length, path });
    expect(violations, `${name} in ${theme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
