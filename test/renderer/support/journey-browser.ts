/**
 * What every journey file in Chromium starts with: Debian's Chromium (or MESH_TEST_CHROMIUM),
 * skipped with the reason where there is none (failing instead in CI), the renderer built into a
 * temporary directory, one page size, and the page's navigation and headings by role.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildRenderer } from '../../../scripts/build.mjs';

export const CHROMIUM = process.env.MESH_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const noChromium = !existsSync(CHROMIUM) && process.env.CI !== 'true';
/** Appended to a describe block's name: why it is skipped, if it is. */
export const chromiumSkipReason = noChromium ? ` (skipped: no Chromium at ${CHROMIUM})` : '';
export const VIEWPORT = { width: 1100, height: 800 };

/** Headless Chromium as the journeys run it (no sandbox in containers, nothing going out). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The renderer built into a fresh directory; `remove` deletes it. */
export async function buildRendererForJourneys(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-journeys-renderer-'));
  await buildRenderer({ outDir: dir });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A screen's button in the navigation. */
export const navButton = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name });

/** The screen's heading. */
export const screenHeading = (page: Page, name: string) =>
  page.getByRole('heading', { level: 1, name });
