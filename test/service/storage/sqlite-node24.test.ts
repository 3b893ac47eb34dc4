// The service's SQLite backend under a real Node 24 (Electron 45's Node major, which runs the
// embedded service in the desktop): the storage suite again, there on node:sqlite
// (service/storage/sqlite-driver.ts; docs/decisions.md, "SQLite without a per-Electron native
// build"). PostgreSQL's half of the suite skips there (no MESH_TEST_POSTGRES_URL is needed).
import { describe, expect, it } from 'vitest';
import { sqliteDriverName } from '../../../service/storage/sqlite-driver';
import { findNode24, vitestUnderNode24 } from '../../support/node24';

describe('the service SQLite backend under Node 24', () => {
  it('uses node:sqlite wherever Node has it', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const builtin = major > 22 || (major === 22 && minor >= 13);
    expect(sqliteDriverName()).toBe(builtin ? 'node:sqlite' : 'better-sqlite3');
  });

  const node24 = process.env.MESH_EXPECT_SQLITE_DRIVER === undefined ? findNode24() : null;
  it.skipIf(node24 === null || !('path' in node24))(
    `passes the storage suite on node:sqlite${node24 !== null && 'reason' in node24 ? ` (skipped: ${node24.reason})` : ''}`,
    () => {
      if (node24 === null || !('path' in node24)) return;
      const { status, output } = vitestUnderNode24(node24.path, [
        'test/service/storage/storage.test.ts',
        'test/service/storage/sqlite-node24.test.ts',
      ]);
      expect(output, output).toMatch(/Test Files\s+\d+ passed/);
      expect(output).not.toMatch(/\d+ failed/);
      expect(status, output).toBe(0);
    },
    150_000,
  );
});
