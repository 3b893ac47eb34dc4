/**
 * Flat lookups: Get by identifier at 1,000 and at 1,000,000 stored profiles, on SQLite and on
 * PostgreSQL (target: p50 at a million within 1.5× of p50 at a thousand). The profiles are
 * written through the storage layer (StorageBackend.writeBatch, 10,000 rows a transaction) rather
 * than published over HTTP, so that a million take minutes, not hours; each row is a published
 * personal profile of realistic size (1,832 characters, as bench section http's signed profiles).
 * Get is then measured through the real service (in this process, loopback HTTP, one keep-alive
 * connection, one request at a time), identifiers drawn uniformly from all stored ones, so that
 * at a million nearly every Get misses the service's cache of recent identifiers and reads the
 * database. PostgreSQL is a throwaway server (test/support/throwaway-postgres.mjs), or
 * MESH_TEST_POSTGRES_URL; without either, its rows say skipped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StorageOptions } from '../../service/config';
import { buildService } from '../../service/service';
import { PostgresBackend } from '../../service/storage/postgres';
import { emptyWrites } from '../../service/storage/rows';
import { SqliteBackend } from '../../service/storage/sqlite';
import type { StorageBackend } from '../../service/storage/backend';
import { startThrowawayPostgres } from '../../test/support/throwaway-postgres.mjs';
import { seededRandom } from '../measure';
import { count, ratio, table, verdict } from '../report';
import type { BenchSection } from '../section';
import { skipped } from '../section';

const SMALL = 1_000;
const LARGE = Number(process.env.MESH_BENCH_LOOKUP_PROFILES ?? 1_000_000);
const BATCH = 20_000;
const ENTRY_CHARS = 1_832;
const GETS = 3_000;
const WARMUP_GETS = 300;
const TARGET_RATIO = 1.5;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The i-th stored identifier: a 140-bit SHA-2-512 fingerprint in the stored form (seven groups
 * of four, type byte 96 = "MB"), unique per i, no hashing needed.
 */
function identifierOf(i: number): string {
  let digits = '';
  for (let rest = i, n = 0; n < 8; n++, rest = Math.floor(rest / 32)) {
    digits = BASE32[rest % 32]! + digits;
  }
  const text = `MBBENCHLOOKUPSQQQQQQ${digits}`;
  return text.match(/.{4}/g)!.join('-');
}

/** A stored entry of the usual size for identifier `id`. */
function entryOf(id: string): string {
  const head = `{"Identifier":"${id}","SignedData":"`;
  return `${head}${'A'.repeat(ENTRY_CHARS - head.length - 2)}"}`;
}

/** Store profiles `from` (inclusive) to `to` (exclusive) through the backend. */
async function populate(backend: StorageBackend, from: number, to: number): Promise<void> {
  const now = Date.now();
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    await backend.writeBatch(async () => {
      const writes = emptyWrites();
      for (let i = start; i < end; i++) {
        const identifier = identifierOf(i);
        writes.published.push({
          txId: i + 1,
          identifier,
          type: 'PersonalProfile',
          account: `bench-${i}`,
          published: now,
          entry: entryOf(identifier),
          latest: true,
        });
      }
      return { writes, result: undefined };
    });
  }
}

/** p50 and p99 of Get by identifier, in ms, over `stored` profiles, through the service. */
async function measureGets(
  storage: StorageOptions,
  stored: number,
): Promise<{ p50: number; p99: number }> {
  const service = await buildService({ storage, limits: { requestsPerSecond: 0 } });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { port } = await service.listen({ port: 0, host: '127.0.0.1' });
    const random = seededRandom(stored);
    const get = (identifier: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify({ GetRequest: { Identifier: identifier } });
        const started = process.hrtime.bigint();
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/.well-known/mmm/',
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (res) => {
            let length = 0;
            res.on('data', (chunk: Buffer) => (length += chunk.length));
            res.on('end', () => {
              if (res.statusCode !== 200 || length < ENTRY_CHARS) {
                reject(new Error(`Get ${identifier}: HTTP ${res.statusCode}, ${length} bytes`));
              } else resolve(Number(process.hrtime.bigint() - started) / 1e6);
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const times: number[] = [];
    for (let n = 0; n < WARMUP_GETS + GETS; n++) {
      const ms = await get(identifierOf(Math.floor(random() * stored)));
      if (n >= WARMUP_GETS) times.push(ms);
    }
    times.sort((a, b) => a - b);
    return {
      p50: times[Math.floor(times.length * 0.5)]!,
      p99: times[Math.floor(times.length * 0.99)]!,
    };
  } finally {
    agent.destroy();
    await service.close();
  }
}

/** Both sizes on one storage: rows for the table, or the reason it was skipped. */
async function onStorage(
  name: string,
  storage: StorageOptions,
  open: () => StorageBackend,
  progress: (line: string) => void,
): Promise<string[][]> {
  const fill = async (from: number, to: number): Promise<number> => {
    const backend = open();
    await backend.open();
    const started = performance.now();
    try {
      await populate(backend, from, to);
    } finally {
      await backend.close();
    }
    return (performance.now() - started) / 1000;
  };
  await fill(0, SMALL);
  const small = await measureGets(storage, SMALL);
  progress(
    `  ${name}: p50 ${small.p50.toFixed(3)} ms at ${count(SMALL)}; storing ${count(LARGE)}...`,
  );
  const seconds = await fill(SMALL, LARGE);
  const large = await measureGets(storage, LARGE);
  const value = large.p50 / small.p50;
  return [
    [name, count(SMALL), small.p50.toFixed(3), small.p99.toFixed(3), '', '', ''],
    [
      name,
      `${count(LARGE)} (stored in ${seconds.toFixed(0)} s)`,
      large.p50.toFixed(3),
      large.p99.toFixed(3),
      ratio(value),
      `≤ ${TARGET_RATIO}×`,
      verdict(value, TARGET_RATIO, 'at-most'),
    ],
  ];
}

export const lookupsSection: BenchSection = {
  name: 'lookups',
  title: 'Get by identifier at 1,000 and 1,000,000 stored profiles',
  async run(progress) {
    const rows: string[][] = [];
    const notes: string[] = [];
    const work = await mkdtemp(path.join(tmpdir(), 'mesh-bench-lookups-'));
    try {
      const directory = path.join(work, 'sqlite');
      rows.push(
        ...(await onStorage(
          'SQLite',
          { kind: 'sqlite', directory },
          () => new SqliteBackend({ directory }),
          progress,
        )),
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    let url = process.env.MESH_TEST_POSTGRES_URL;
    let stop = (): void => {};
    if (url === undefined) {
      const server = startThrowawayPostgres();
      if ('url' in server) {
        url = server.url;
        stop = () => server.stop();
      } else notes.push(skipped('PostgreSQL', server.skipped));
    }
    if (url !== undefined) {
      const schema = `bench_lookups_${process.pid}`;
      const postgresUrl = url;
      try {
        rows.push(
          ...(await onStorage(
            'PostgreSQL',
            { kind: 'postgres', url: postgresUrl, schema },
            () => new PostgresBackend({ url: postgresUrl, schema }),
            progress,
          )),
        );
      } finally {
        stop();
      }
    }
    return [
      `Profiles of ${count(ENTRY_CHARS)} characters stored through StorageBackend.writeBatch ` +
        `(${count(BATCH)} a transaction), then ${count(GETS)} Gets by identifier (after ` +
        `${WARMUP_GETS} not counted) through the service in this process, one at a time on one ` +
        'keep-alive loopback connection, identifiers uniform over all stored ones. Ratio = p50 ' +
        'at the larger size / p50 at 1,000, on the same storage in the same run.',
      '',
      ...table(
        ['storage', 'profiles stored', 'p50 ms', 'p99 ms', 'ratio of p50s', 'target', 'verdict'],
        rows,
      ),
      ...(notes.length > 0 ? ['', ...notes] : []),
    ];
  },
};
