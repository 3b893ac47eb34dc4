/**
 * The storage conformance suite run against SQLite and PostgreSQL, and the tests specific to each
 * backend beside it (docs/architecture.md section 11 "Logs and storage").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StorageBackend } from '../../../service/storage/backend';
import { emptyWrites } from '../../../service/storage/rows';
import { PostgresBackend } from '../../../service/storage/postgres';
import { SqliteBackend } from '../../../service/storage/sqlite';
import { recordLeafHash, recordText } from '../../../service/log/records';
import { dropSchema, freshSchema, postgresUrl } from '../support/backends';
import { storageConformance } from './storage-conformance';

storageConformance(
  'sqlite',
  {
    create: async () => {
      const directory = mkdtempSync(join(tmpdir(), 'mesh-storage-'));
      const backend = new SqliteBackend({ directory });
      await backend.open();
      return {
        backend,
        reopen: () => new SqliteBackend({ directory }),
        dispose: async () => rmSync(directory, { recursive: true, force: true }),
      };
    },
  },
  true,
);

storageConformance(
  'postgres',
  {
    create: async () => {
      const schema = freshSchema();
      const options = { url: postgresUrl as string, schema };
      const backend = new PostgresBackend(options);
      await backend.open();
      return {
        backend,
        reopen: () => new PostgresBackend(options),
        dispose: () => dropSchema(schema),
      };
    },
  },
  postgresUrl !== undefined,
);

function append(backend: StorageBackend, count: number): Promise<number> {
  return backend.writeBatch(async (_reader, last) => {
    const writes = emptyWrites();
    for (let id = last + 1; id <= last + count; id++) {
      const record = recordText(id, Date.now(), 'Publish', { id });
      writes.log.push({
        id,
        time: Date.now(),
        type: 'Publish',
        record,
        leafHash: recordLeafHash(record),
      });
    }
    return { writes, result: last };
  });
}

describe('SQLite backend', () => {
  it('refuses a second service process on the same data directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-lock-'));
    const backend = new SqliteBackend({ directory });
    await backend.open();
    try {
      const script = `
        import { SqliteBackend } from ${JSON.stringify(join(process.cwd(), 'service/storage/sqlite.ts'))};
        try { await new SqliteBackend({ directory: ${JSON.stringify(directory)} }).open(); console.log('opened'); }
        catch (error) { console.log('refused: ' + error.message); }`;
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          encoding: 'utf8',
          cwd: process.cwd(),
        },
      );
      expect(child.stdout).toMatch(/refused: another service process is using/);
    } finally {
      await backend.close();
    }
    // Once the first has closed, the directory can be opened again.
    const again = new SqliteBackend({ directory });
    await again.open();
    await again.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('commits off the event loop: reads are answered while a batch commits, and see it after', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-writer-'));
    const backend = new SqliteBackend({ directory });
    await backend.open();
    try {
      let workDone!: () => void;
      const worked = new Promise<void>((resolve) => (workDone = resolve));
      const committed = backend.writeBatch(async (_reader, last) => {
        const writes = emptyWrites();
        for (let id = last + 1; id <= last + 20_000; id++) {
          const record = recordText(id, 1_700_000_000_000, 'Publish', { id });
          writes.log.push({
            id,
            time: 1_700_000_000_000,
            type: 'Publish',
            record,
            leafHash: recordLeafHash(record),
          });
        }
        workDone();
        return { writes, result: last };
      });
      await worked;
      // The worker thread is inserting 20,000 rows and committing: this thread still answers,
      // from the state before the batch.
      let settled = false;
      void committed.then(() => (settled = true));
      expect(await backend.logSize()).toBe(0);
      expect(settled).toBe(false);
      await committed;
      expect(await backend.logSize()).toBe(20_000);
    } finally {
      await backend.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe.skipIf(postgresUrl === undefined)(
  'PostgreSQL backend: two processes on one database',
  () => {
    const schema = freshSchema();
    const opened: PostgresBackend[] = [];
    afterEach(async () => {
      for (const backend of opened.splice(0)) await backend.close();
    });

    async function two(): Promise<[PostgresBackend, PostgresBackend]> {
      const a = new PostgresBackend({ url: postgresUrl as string, schema });
      const b = new PostgresBackend({ url: postgresUrl as string, schema });
      await Promise.all([a.open(), b.open()]);
      opened.push(a, b);
      return [a, b];
    }

    it('serializes appends from both: ids stay gap-free', async () => {
      const [a, b] = await two();
      const start = await a.logSize();
      await Promise.all(Array.from({ length: 30 }, (_, i) => append(i % 2 === 0 ? a : b, 3)));
      const rows = await b.logRows(start, start + 1000, 1000);
      expect(rows.map((row) => row.id)).toEqual(
        Array.from({ length: 90 }, (_, i) => start + i + 1),
      );
    });

    it('tells the other process when a connection request is answered (NOTIFY)', async () => {
      const [a, b] = await two();
      const heard = new Promise<string>((resolve) =>
        b.onConnectionAnswered((account, device) => resolve(`${account}/${device}`)),
      );
      await a.writeBatch(async () => {
        const writes = emptyWrites();
        writes.answered.push({ account: 'alice', deviceId: 'D9' });
        return { writes, result: null };
      });
      expect(await heard).toBe('alice/D9');
    });

    it('tells the other process when a connection request is made (NOTIFY)', async () => {
      const [a, b] = await two();
      const heard = new Promise<string>((resolve) =>
        b.onConnectionRequested((account, device) => resolve(`${account}/${device}`)),
      );
      let answered = false;
      b.onConnectionAnswered(() => (answered = true));
      await a.writeBatch(async () => {
        const writes = emptyWrites();
        writes.connections.push({
          account: 'alice',
          deviceId: 'D8',
          txId: 1,
          request: '{}',
          serverNonce: 'N',
          witness: 'W',
          pinId: null,
          pinVerified: false,
          received: 1000,
          expires: Date.now() + 60_000,
          state: 'Pending',
          result: null,
        });
        return { writes, result: null };
      });
      expect(await heard).toBe('alice/D8');
      expect(answered).toBe(false);
    });

    it('shares the replay cache: a nonce claimed in one is refused in the other', async () => {
      const [a, b] = await two();
      expect(await a.claimNonce('dev', 'shared-nonce', Date.now() + 60_000)).toBe(true);
      expect(await b.claimNonce('dev', 'shared-nonce', Date.now() + 60_000)).toBe(false);
    });

    it('both create the schema at once without tripping over each other', async () => {
      const fresh = freshSchema();
      const backends = Array.from(
        { length: 3 },
        () => new PostgresBackend({ url: postgresUrl as string, schema: fresh }),
      );
      try {
        await Promise.all(backends.map((backend) => backend.open()));
        expect(await backends[0]?.logSize()).toBe(0);
      } finally {
        for (const backend of backends) await backend.close();
        await dropSchema(fresh);
      }
    });

    afterAll(() => dropSchema(schema));
  },
);
