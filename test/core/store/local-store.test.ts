import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SECRET_NAMES } from '../../../electron/core/keystore/key-store';
import { LocalStore } from '../../../electron/core/store/local-store';
import { openSqlite, type SqliteDatabase } from '../../../electron/core/store/sqlite-driver';
import { memoryKeyStore } from './memory-key-store';

let directory: string;
let path: string;
let keyStore: ReturnType<typeof memoryKeyStore>;
const open: LocalStore[] = [];

beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-store-'));
  path = join(directory, 'store.db');
  keyStore = memoryKeyStore();
});
afterEach(async () => {
  for (const store of open.splice(0)) store.close();
  await fs.rm(directory, { recursive: true, force: true });
});

async function openStore(): Promise<LocalStore> {
  const store = await LocalStore.open({ path, keyStore });
  open.push(store);
  return store;
}

function reopenAfter(store: LocalStore): Promise<LocalStore> {
  store.close();
  return openStore();
}

const bytes = (...values: number[]) => new Uint8Array(values);
const profile = {
  type: 'PersonalProfile',
  identifier: 'MB2G-ABCD-EFGH',
  signed: { Identifier: 'MB2G-ABCD-EFGH', SignedData: 'eyJ.eyJ.sig' },
  verifiedAt: '2026-01-01T00:00:00.000Z',
};

describe('local store', () => {
  it('creates its key in the KeyStore and its file private', async () => {
    await openStore();
    expect(keyStore.secrets.get(SECRET_NAMES.localStoreKey)).toHaveLength(32);
    if (process.platform !== 'win32') expect((await fs.stat(path)).mode & 0o077).toBe(0);
  });

  it('keeps profiles, settings, sync positions and documents across reopening', async () => {
    let store = await openStore();
    store.putProfile(profile);
    store.putProfile({ ...profile, type: 'MasterProfile' });
    store.setSetting('device-name', 'laptop');
    store.setSyncPosition({
      container: 'mmm_Password',
      index: 12,
      updated: '2026-01-01T00:00:00Z',
    });
    store.putDocument('log', 'checkpoint', { size: 5 });
    store = await reopenAfter(store);
    expect(store.getProfile('PersonalProfile', profile.identifier)).toEqual(profile);
    expect(store.listProfiles().map((p) => p.type)).toEqual(['MasterProfile', 'PersonalProfile']);
    expect(store.getSetting('device-name', z.string())).toBe('laptop');
    expect(store.getSetting('other', z.string())).toBeUndefined();
    expect(store.getSyncPosition('mmm_Password')?.index).toBe(12);
    expect(store.listSyncPositions()).toHaveLength(1);
    expect(store.getDocument('log', 'checkpoint', z.object({ size: z.number() }))).toEqual({
      size: 5,
    });
    expect(store.deleteDocument('log', 'checkpoint')).toBe(true);
    expect(store.getDocument('log', 'checkpoint', z.unknown())).toBeUndefined();
  });

  it('refuses malformed records on write and unexpected shapes on read', async () => {
    const store = await openStore();
    expect(() => store.putProfile({ ...profile, type: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    store.setSetting('n', 'text');
    expect(() => store.getSetting('n', z.number())).toThrow(
      expect.objectContaining({ code: 'STORE_CORRUPT' }),
    );
  });

  it('replicates container entries by index', async () => {
    let store = await openStore();
    store.putEntries('c1', [
      { index: 1, data: bytes(1) },
      { index: 2, data: bytes(2, 2) },
      { index: 3, data: bytes(3) },
    ]);
    store.putEntries('c2', [{ index: 1, data: bytes(9) }]);
    store = await reopenAfter(store);
    expect(store.lastIndex('c1')).toBe(3);
    expect(store.lastIndex('none')).toBe(0);
    expect(store.countEntries('c1')).toBe(3);
    expect(store.getEntry('c1', 2)).toEqual({ index: 2, data: Buffer.from([2, 2]) });
    expect(store.getEntries('c1', { after: 1 }).map((e) => e.index)).toEqual([2, 3]);
    expect(store.getEntries('c1', { after: 0, limit: 1 }).map((e) => e.index)).toEqual([1]);
    store.putEntries('c1', [{ index: 2, data: bytes(7) }]);
    expect(store.getEntry('c1', 2)?.data).toEqual(Buffer.from([7]));
    store.setSyncPosition({ container: 'c1', index: 3, updated: 'now' });
    store.deleteContainer('c1');
    expect(store.countEntries('c1')).toBe(0);
    expect(store.getSyncPosition('c1')).toBeUndefined();
    expect(store.countEntries('c2')).toBe(1);
  });

  it('queues local edits in order until they are uploaded', async () => {
    let store = await openStore();
    const a = store.enqueueEdit({ container: 'c', key: 'entry-1', data: bytes(1) });
    const b = store.enqueueEdit({ container: 'd', data: bytes(2) });
    const c = store.enqueueEdit({ container: 'c', key: 'entry-2', data: bytes(3) });
    expect(a < b && b < c).toBe(true);
    store = await reopenAfter(store);
    expect(store.pendingEdits().map((e) => e.seq)).toEqual([a, b, c]);
    expect(store.pendingEdits('c').map((e) => [e.key, [...e.data]])).toEqual([
      ['entry-1', [1]],
      ['entry-2', [3]],
    ]);
    expect(store.removeEdit(a)).toBe(true);
    expect(store.removeEdit(a)).toBe(false);
    const d = store.enqueueEdit({ container: 'c', data: bytes(4) });
    expect(d).toBeGreaterThan(c); // positions are never reused
  });

  it('commits a transaction whole or not at all', async () => {
    const store = await openStore();
    expect(() =>
      store.transaction(() => {
        store.putEntries('c', [{ index: 1, data: bytes(1) }]);
        store.setSyncPosition({ container: 'c', index: 1, updated: 'now' });
        throw new Error('interrupted');
      }),
    ).toThrow('interrupted');
    expect(store.countEntries('c')).toBe(0);
    expect(store.getSyncPosition('c')).toBeUndefined();
  });

  it('writes a few pages, not the container, to change one of 10,000 entries', async () => {
    const store = await openStore();
    const entry = (i: number) => new Uint8Array(400).fill(i % 251);
    store.putEntries(
      'big',
      Array.from({ length: 10_000 }, (_, i) => ({ index: i + 1, data: entry(i) })),
    );
    const sizeOfStore = (await fs.stat(path)).size + (await fs.stat(`${path}-wal`)).size;
    // Move everything into the main file, then measure what one change appends to the WAL.
    const raw = await openSqlite(path);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    expect((await fs.stat(`${path}-wal`)).size).toBe(0);
    const started = performance.now();
    store.putEntries('big', [{ index: 5_000, data: new Uint8Array(400).fill(1) }]);
    const elapsed = performance.now() - started;
    const written = (await fs.stat(`${path}-wal`)).size;
    expect(sizeOfStore).toBeGreaterThan(4_000_000);
    expect(written).toBeLessThan(32 * 1024);
    expect(elapsed).toBeLessThan(500);
    expect(store.getEntry('big', 5_000)?.data[0]).toBe(1);
  });
});

describe('local store integrity', () => {
  async function withRaw(work: (db: SqliteDatabase) => void): Promise<void> {
    const db = await openSqlite(path);
    try {
      work(db);
    } finally {
      db.close();
    }
  }

  it('detects a flipped bit in a value', async () => {
    let store = await openStore();
    store.putEntries('c', [{ index: 1, data: bytes(1, 2, 3) }]);
    store.close();
    await withRaw((db) => {
      const row = db.prepare('SELECT sealed FROM entries').get() as { sealed: Buffer };
      row.sealed[14]! ^= 0x80;
      db.prepare('UPDATE entries SET sealed = ?').run(row.sealed);
    });
    store = await openStore();
    expect(() => store.getEntry('c', 1)).toThrow(
      expect.objectContaining({ code: 'STORE_CORRUPT' }),
    );
  });

  it('detects entries moved to another index or swapped', async () => {
    let store = await openStore();
    store.putEntries('c', [
      { index: 1, data: bytes(1) },
      { index: 2, data: bytes(2) },
    ]);
    store.close();
    await withRaw((db) => {
      db.prepare('UPDATE entries SET idx = idx + 10').run();
    });
    store = await openStore();
    expect(() => store.getEntries('c')).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT' }));
  });

  it('detects a document moved under another name', async () => {
    let store = await openStore();
    store.setSetting('a', 'one');
    store.setSetting('b', 'two');
    store.close();
    await withRaw((db) => {
      const rows = db.prepare("SELECT tag, sealed FROM documents WHERE kind = 'setting'").all() as {
        tag: Buffer;
        sealed: Buffer;
      }[];
      db.prepare('UPDATE documents SET sealed = ? WHERE tag = ?').run(
        rows[0]!.sealed,
        rows[1]!.tag,
      );
    });
    store = await openStore();
    expect(() => [store.getSetting('a', z.string()), store.getSetting('b', z.string())]).toThrow(
      expect.objectContaining({ code: 'STORE_CORRUPT' }),
    );
  });

  it('detects a damaged file', async () => {
    const store = await openStore();
    store.putEntries('c', [{ index: 1, data: bytes(1) }]);
    store.close();
    const raw = await openSqlite(path);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const file = await fs.readFile(path);
    file.fill(0x41, 0, 100); // overwrite the SQLite header
    await fs.writeFile(path, file);
    await expect(openStore()).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      details: { reason: 'sqlite' },
    });
  });

  it('refuses another key, and a missing key', async () => {
    (await openStore()).close();
    open.splice(0);
    keyStore.secrets.set(SECRET_NAMES.localStoreKey, new Uint8Array(32).fill(7));
    await expect(openStore()).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      details: { reason: 'key-mismatch' },
    });
    keyStore.secrets.clear();
    await expect(openStore()).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      details: { reason: 'key-missing' },
    });
  });

  it('refuses a SQLite file that is not a local store', async () => {
    (await openStore()).close();
    open.splice(0);
    await fs.rm(path);
    await withRaw((db) => db.exec('CREATE TABLE other (x)'));
    await expect(openStore()).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      details: { reason: 'format' },
    });
  });
});
