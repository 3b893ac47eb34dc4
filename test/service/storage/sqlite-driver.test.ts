/**
 * The service's SQLite driver (service/storage/sqlite-driver.ts) is the local store's
 * (electron/core/store/sqlite-driver.ts) kept as a second file on purpose: the service and the
 * core may not import each other, and shared/ takes no Node built-in (docs/architecture.md
 * section 2; docs/decisions.md, "SQLite without a per-Electron native build"). This test keeps
 * the two copies one: below their header comments, the code must be the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The file's text after its leading block comment. */
function codeOf(path: string): string {
  const text = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  const end = text.indexOf('*/');
  expect(text.startsWith('/**')).toBe(true);
  return text.slice(end + 2).trim();
}

describe('the two SQLite drivers', () => {
  it('are the same code below their headers', () => {
    const service = codeOf('service/storage/sqlite-driver.ts');
    const core = codeOf('electron/core/store/sqlite-driver.ts');
    expect(service.length).toBeGreaterThan(1000);
    expect(service).toBe(core);
  });
});
