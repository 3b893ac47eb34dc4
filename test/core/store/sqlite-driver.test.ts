// The local store's SQLite driver (electron/core/store/sqlite-driver.ts): node:sqlite where the
// running Node has it, better-sqlite3 under Node 20, the same values and error codes from both.
// Then the whole local store suite again under a real Node 24 (Electron 45's Node major), where
// it must run on node:sqlite.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, sqliteDriverName } from '../../../electron/core/store/sqlite-driver';
import { findNode24, vitestUnderNode24 } from '../../support/node24';

let directory: string;
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-sqlite-'));
});
afterEach(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

/** node:sqlite without a flag: Node 22.13 and later (and Electron 45's Node 24). */
function nodeHasSqlite(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13);
}

describe('the SQLite driver', () => {
  it('is node:sqlite where this Node has it, else better-sqlite3', async () => {
    const expected = nodeHasSqlite() ? 'node:sqlite' : 'better-sqlite3';
    expect(sqliteDriverName()).toBe(expected);
    const db = await openSqlite(join(directory, 'a.db'));
    expect(db.driver).toBe(expected);
    db.close();
    // Set by the Node 24 run below: that run must really be on node:sqlite.
    if (process.env.MESH_EXPECT_SQLITE_DRIVER !== undefined) {
      expect(expected).toBe(process.env.MESH_EXPECT_SQLITE_DRIVER);
    }
  });

  it('returns BLOBs as Buffers and integers as numbers', async () => {
    const db = await openSqlite(join(directory, 'a.db'));
    db.exec('CREATE TABLE t (n INTEGER, b BLOB)');
    const run = db.prepare('INSERT INTO t VALUES (?, ?)').run(7, Buffer.from('abc'));
    expect(run.changes).toBe(1);
    expect(Number(run.lastInsertRowid)).toBe(1);
    const row = db.prepare<[], { n: number; b: Buffer }>('SELECT n, b FROM t').get();
    expect(row?.n).toBe(7);
    expect(Buffer.isBuffer(row?.b)).toBe(true);
    expect(row?.b.toString('utf8')).toBe('abc');
    expect(db.pragma('journal_mode = WAL')).toEqual([{ journal_mode: 'wal' }]);
    db.close();
  });

  it('commits a transaction, rolls back a failed one, and nests as savepoints', async () => {
    const db = await openSqlite(join(directory, 'a.db'));
    db.exec('CREATE TABLE t (n INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const count = () => db.prepare<[], { c: number }>('SELECT COUNT(*) AS c FROM t').get()?.c;
    db.transaction(() => {
      insert.run(1);
      expect(db.inTransaction).toBe(true);
      expect(() =>
        db.transaction(() => {
          insert.run(2);
          throw new Error('inner');
        })(),
      ).toThrow('inner');
      insert.run(3);
    })();
    expect(db.inTransaction).toBe(false);
    expect(count()).toBe(2);
    expect(() =>
      db.transaction(() => {
        insert.run(4);
        throw new Error('outer');
      })(),
    ).toThrow('outer');
    expect(count()).toBe(2);
    db.close();
  });

  it("names SQLite's failures by result code, as better-sqlite3 does", async () => {
    const path = join(directory, 'not-a-db');
    await fs.writeFile(path, Buffer.alloc(4096, 0x41));
    const db = await openSqlite(path);
    expect(() => db.prepare('SELECT * FROM sqlite_schema').all()).toThrow(
      expect.objectContaining({ code: 'SQLITE_NOTADB' }),
    );
    db.close();
  });
});

describe("the service's copy of the driver", () => {
  it("is the same code as the local store's (only the opening comment differs)", async () => {
    const code = async (path: string) =>
      (await fs.readFile(join(import.meta.dirname, '..', '..', '..', path), 'utf8')).replace(
        /^\/\*\*[\s\S]*?\*\/\n/,
        '',
      );
    expect(await code('service/storage/sqlite-driver.ts')).toBe(
      await code('electron/core/store/sqlite-driver.ts'),
    );
  });
});

describe('the local store under Node 24', () => {
  const node24 = process.env.MESH_EXPECT_SQLITE_DRIVER === undefined ? findNode24() : null;
  it.skipIf(node24 === null || !('path' in node24))(
    `passes its whole suite on node:sqlite${node24 !== null && 'reason' in node24 ? ` (skipped: ${node24.reason})` : ''}`,
    () => {
      if (node24 === null || !('path' in node24)) return;
      const { status, output } = vitestUnderNode24(node24.path, ['test/core/store/']);
      expect(output, output).toMatch(/Test Files\s+\d+ passed/);
      expect(output).not.toMatch(/failed/);
      expect(status, output).toBe(0);
    },
    150_000,
  );
});
