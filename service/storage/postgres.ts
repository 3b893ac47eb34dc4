/**
 * The PostgreSQL backend (docs/architecture.md section 6: several service processes on one
 * database). Appends are serialized across processes by a transaction-scoped advisory lock, taken
 * before the log head is read, so TransactionIDs stay gap-free and every precondition is checked
 * against the committed state of all processes. Connection requests made and answered are announced
 * with NOTIFY so a long poll (ConnectPending, ConnectStatus) in any process wakes at once. Request
 * nonces are claimed in a shared table on a session with synchronous_commit off: cheap, and made
 * durable by the next synchronous commit.
 */
import pg from 'pg';
import { MeshError } from '../../shared/errors';
import { ConnectionListeners, requestedIn } from './answered-listeners';
import type {
  BatchWork,
  ContainerQuery,
  PublishedQuery,
  StateReader,
  StorageBackend,
} from './backend';
import { Mutex } from './mutex';
import {
  account,
  connection,
  entry,
  head,
  leaf,
  logRow,
  num,
  pin,
  published,
  type Row,
} from './row-readers';
import type {
  AccountRow,
  ConnectionRow,
  ContainerEntryRow,
  ContainerHeadRow,
  LeafRow,
  LogRow,
  PinRow,
  PublishedRow,
  StateWrites,
} from './rows';
import { schemaStatements } from './schema';
import {
  containerEntriesQuery,
  numbered,
  PENDING_READ_LIMIT,
  pendingConnectionsQuery,
  POSTGRES_DIALECT,
  purgeQueries,
  readStatements,
  searchPublishedQuery,
  type Query,
  upsertConnectionQuery,
  upsertPinQuery,
} from './queries';

/** Options of the PostgreSQL backend. */
export interface PostgresOptions {
  /** postgres://user@host:port/database */
  readonly url: string;
  /** A schema to keep the tables in (created if missing); default the search_path's first. */
  readonly schema?: string;
  /** Size of the read pool. */
  readonly poolSize?: number;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

/** First half of the advisory lock key: 'MESH'. */
const LOCK_CLASS = 0x4d455348;
/** The NOTIFY payload kind of a new connection request (an answered one carries none). */
const REQUESTED = 'requested';

/** A 31-bit FNV-1a hash, to key the advisory lock and the channel per schema. */
function hash31(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) & 0x7fffffff;
}

/** The shared read statements (queries.ts), numbered for PostgreSQL. */
const READ = Object.fromEntries(
  Object.entries(readStatements(POSTGRES_DIALECT)).map(([name, sql]) => [name, numbered(sql)]),
) as Record<keyof ReturnType<typeof readStatements>, string>;

/** The rows of a `?`-placeholder query (queries.ts) on `q`. */
async function rowsOf(q: Queryable, { sql, values }: Query): Promise<Row[]> {
  const { rows } = await q.query(numbered(sql), values);
  return rows as Row[];
}

/** StateReader over one connection or the pool. */
class PostgresReader implements StateReader {
  constructor(protected readonly q: Queryable) {}

  /** The first row of one of the READ statements, if any. */
  private async first(sql: string, values: unknown[]): Promise<Row | undefined> {
    const { rows } = await this.q.query(sql, values);
    return rows[0] as Row | undefined;
  }

  async account(name: string): Promise<AccountRow | undefined> {
    const row = await this.first(READ.account, [name]);
    return row === undefined ? undefined : account(row);
  }

  async latestPublished(identifier: string): Promise<PublishedRow | undefined> {
    const row = await this.first(READ.latest, [identifier]);
    return row === undefined ? undefined : published(row);
  }

  async containerHead(name: string, container: string): Promise<ContainerHeadRow | undefined> {
    const row = await this.first(READ.head, [name, container]);
    return row === undefined ? undefined : head(row);
  }

  async connection(name: string, deviceId: string): Promise<ConnectionRow | undefined> {
    const row = await this.first(READ.connection, [name, deviceId]);
    return row === undefined ? undefined : connection(row);
  }

  async pendingCount(name: string, now: number): Promise<number> {
    return num((await this.first(READ.pendingCount, [name, now]))?.n);
  }

  async pendingRequests(name: string, now: number): Promise<ConnectionRow[]> {
    const query = pendingConnectionsQuery(name, now, undefined, PENDING_READ_LIMIT);
    return (await rowsOf(this.q, query)).map(connection);
  }

  async pin(name: string, pinId: string): Promise<PinRow | undefined> {
    const row = await this.first(READ.pin, [name, pinId]);
    return row === undefined ? undefined : pin(row);
  }
}

/** Keep the last of several rows with the same key (an upsert may touch a row once). */
function lastByKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const map = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    map.delete(k);
    map.set(k, row);
  }
  return [...map.values()];
}

/** The PostgreSQL implementation of StorageBackend. */
export class PostgresBackend extends PostgresReader implements StorageBackend {
  readonly kind = 'postgres';
  readonly shared = true;
  private readonly pool: pg.Pool;
  private readonly noncePool: pg.Pool;
  private writer: pg.Client | undefined;
  private listenerClient: pg.Client | undefined;
  private readonly mutex = new Mutex();
  private readonly connectionListeners = new ConnectionListeners();
  private readonly lockKey: number;
  private readonly channel: string;
  private closed = false;
  private nonceClaims = 0;

  constructor(private readonly options: PostgresOptions) {
    const pool = new pg.Pool(PostgresBackend.config(options, options.poolSize ?? 8));
    super(pool);
    this.pool = pool;
    this.noncePool = new pg.Pool({
      ...PostgresBackend.config(options, 2, ['-c synchronous_commit=off']),
    });
    // An idle client that loses its connection must not crash the process.
    this.pool.on('error', () => undefined);
    this.noncePool.on('error', () => undefined);
    this.lockKey = hash31(options.schema ?? 'public');
    this.channel = `mesh_answered_${this.lockKey}`;
  }

  private static config(
    options: PostgresOptions,
    max: number,
    extra: string[] = [],
  ): pg.PoolConfig {
    const settings = [...extra];
    if (options.schema !== undefined) {
      settings.push(`-c search_path=${options.schema}`);
    }
    return {
      connectionString: options.url,
      max,
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    };
  }

  async open(): Promise<void> {
    const client = new pg.Client(PostgresBackend.config(this.options, 1));
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS + 1, this.lockKey]);
      try {
        if (this.options.schema !== undefined) {
          await client.query(
            `CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(this.options.schema)}`,
          );
        }
        for (const statement of schemaStatements({
          bigint: 'BIGINT',
          bytes: 'BYTEA',
          bool: 'BOOLEAN',
          true: 'true',
        })) {
          await client.query(statement);
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS + 1, this.lockKey]);
      }
    } finally {
      await client.end();
    }
    await this.listen();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(PostgresBackend.config(this.options, 1));
    client.on('notification', (message) => {
      try {
        const [name, deviceId, kind] = JSON.parse(message.payload ?? '') as [
          string,
          string,
          string | undefined,
        ];
        if (kind === REQUESTED) this.connectionListeners.requested.emit(name, deviceId);
        else this.connectionListeners.answered.emit(name, deviceId);
      } catch {
        // not one of ours
      }
    });
    client.on('error', () => {
      // Reconnect; ConnectStatus re-checks the database periodically, so a notification lost
      // meanwhile only delays an answer.
      if (this.listenerClient === client) this.listenerClient = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), 500).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    this.listenerClient = client;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.mutex.run(async () => {
      await this.writer?.end().catch(() => undefined);
      this.writer = undefined;
    });
    await this.listenerClient?.end().catch(() => undefined);
    await this.pool.end();
    await this.noncePool.end();
  }

  private async writerClient(): Promise<pg.Client> {
    if (this.writer === undefined) {
      // Acknowledged means durable, whatever the database's default says.
      const client = new pg.Client(
        PostgresBackend.config(this.options, 1, ['-c synchronous_commit=on']),
      );
      client.on('error', () => {
        if (this.writer === client) this.writer = undefined;
      });
      await client.connect();
      this.writer = client;
    }
    return this.writer;
  }

  async serviceSecret(name: string, create: () => string): Promise<string> {
    // create() only when absent: it may refuse (a log that lost its key, service-key.ts).
    const found = await this.serviceValue(name);
    if (found !== undefined) return found;
    await this.pool.query(READ.insertSecret, [name, create()]);
    const { rows } = await this.pool.query(READ.secret, [name]);
    return String((rows[0] as Row).value);
  }

  async serviceValue(name: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(READ.secret, [name]);
    return rows.length === 0 ? undefined : String((rows[0] as Row).value);
  }

  async putServiceValue(name: string, value: string): Promise<void> {
    await this.pool.query(READ.putSecret, [name, value]);
  }

  async writeBatch<T>(work: BatchWork<T>): Promise<T> {
    return this.mutex.run(async () => {
      const client = await this.writerClient();
      let writes: StateWrites;
      let result: T;
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, this.lockKey]);
        const { rows } = await client.query(READ.maxId);
        ({ writes, result } = await work(new PostgresReader(client), num((rows[0] as Row).id)));
        await this.apply(client, writes);
        for (const { account: name, deviceId } of writes.answered) {
          await client.query('SELECT pg_notify($1, $2)', [
            this.channel,
            JSON.stringify([name, deviceId]),
          ]);
        }
        for (const { account: name, deviceId } of requestedIn(writes)) {
          await client.query('SELECT pg_notify($1, $2)', [
            this.channel,
            JSON.stringify([name, deviceId, REQUESTED]),
          ]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          // The connection is gone: the next batch opens a new one.
          if (this.writer === client) this.writer = undefined;
          client.end().catch(() => undefined);
        });
        throw error;
      }
      this.connectionListeners.announce(writes);
      return result;
    });
  }

  private async apply(client: pg.Client, writes: StateWrites): Promise<void> {
    if (writes.log.length > 0) {
      await client.query(
        `INSERT INTO log (id, time, type, record, leaf_hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bytea[])`,
        [
          writes.log.map((row) => row.id),
          writes.log.map((row) => row.time),
          writes.log.map((row) => row.type),
          writes.log.map((row) => row.record),
          writes.log.map((row) => Buffer.from(row.leafHash)),
        ],
      );
    }
    const accounts = lastByKey(writes.accounts, (row) => row.name);
    if (accounts.length > 0) {
      await client.query(
        `INSERT INTO accounts (name, profile_id, status, created, tx_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
         ON CONFLICT (name) DO UPDATE SET profile_id = EXCLUDED.profile_id,
           status = EXCLUDED.status, tx_id = EXCLUDED.tx_id`,
        [
          accounts.map((row) => row.name),
          accounts.map((row) => row.profileId),
          accounts.map((row) => row.status),
          accounts.map((row) => row.created),
          accounts.map((row) => row.txId),
        ],
      );
    }
    if (writes.published.length > 0) {
      const rows = writes.published;
      const lastOf = new Map(rows.map((row) => [row.identifier, row.txId]));
      await client.query(
        'UPDATE published SET latest = false WHERE identifier = ANY($1) AND latest',
        [[...lastOf.keys()]],
      );
      await client.query(
        `INSERT INTO published (tx_id, identifier, type, account, published, entry, latest)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[],
           $6::text[], $7::boolean[])`,
        [
          rows.map((row) => row.txId),
          rows.map((row) => row.identifier),
          rows.map((row) => row.type),
          rows.map((row) => row.account),
          rows.map((row) => row.published),
          rows.map((row) => row.entry),
          rows.map((row) => lastOf.get(row.identifier) === row.txId),
        ],
      );
      const keys = rows.flatMap((row) =>
        (row.keys ?? []).map(([key, value]) => [key, value, row.txId] as const),
      );
      if (keys.length > 0) {
        await client.query(
          `INSERT INTO published_keys (key, value, tx_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING`,
          [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
        );
      }
    }
    const heads = lastByKey(writes.containerHeads, (row) => `${row.account}\n${row.container}`);
    if (heads.length > 0) {
      await client.query(
        `INSERT INTO container_heads (account, container, idx, digest)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
         ON CONFLICT (account, container) DO UPDATE SET idx = EXCLUDED.idx, digest = EXCLUDED.digest`,
        [
          heads.map((row) => row.account),
          heads.map((row) => row.container),
          heads.map((row) => row.index),
          heads.map((row) => row.digest),
        ],
      );
    }
    const entries = writes.containerEntries;
    if (entries.length > 0) {
      await client.query(
        `INSERT INTO container_entries (account, container, idx, tx_id, published, sender, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],
           $6::text[], $7::text[])`,
        [
          entries.map((row) => row.account),
          entries.map((row) => row.container),
          entries.map((row) => row.index),
          entries.map((row) => row.txId),
          entries.map((row) => row.published),
          entries.map((row) => row.sender),
          entries.map((row) => row.payload),
        ],
      );
    }
    for (const row of lastByKey(writes.connections, (r) => `${r.account}\n${r.deviceId}`)) {
      const { sql, values } = upsertConnectionQuery(row, POSTGRES_DIALECT);
      await client.query(numbered(sql), values);
    }
    for (const row of lastByKey(writes.pins, (r) => `${r.account}\n${r.pinId}`)) {
      const { sql, values } = upsertPinQuery(row, POSTGRES_DIALECT);
      await client.query(numbered(sql), values);
    }
    if (writes.nonces.length > 0) {
      await client.query(
        `INSERT INTO nonces (device, nonce, expires)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING`,
        [
          writes.nonces.map((row) => row.device),
          writes.nonces.map((row) => row.nonce),
          writes.nonces.map((row) => row.expires),
        ],
      );
    }
    for (const name of writes.purged) {
      for (const { sql, values } of purgeQueries(name)) await client.query(numbered(sql), values);
    }
  }

  async logSize(): Promise<number> {
    const { rows } = await this.pool.query(READ.maxId);
    return num((rows[0] as Row).id);
  }

  async leaves(afterId: number, limit: number): Promise<LeafRow[]> {
    const { rows } = await this.pool.query(READ.leaves, [afterId, limit]);
    return (rows as Row[]).map(leaf);
  }

  async logRows(afterId: number, toId: number, limit: number): Promise<LogRow[]> {
    const { rows } = await this.pool.query(READ.logRows, [afterId, toId, limit]);
    return (rows as Row[]).map(logRow);
  }

  async searchPublished(query: PublishedQuery): Promise<PublishedRow[]> {
    return (await rowsOf(this.pool, searchPublishedQuery(query, POSTGRES_DIALECT))).map(published);
  }

  async containerHeads(name: string, containers?: readonly string[]): Promise<ContainerHeadRow[]> {
    const { rows } =
      containers === undefined
        ? await this.pool.query(READ.heads, [name])
        : await this.pool.query(
            'SELECT * FROM container_heads WHERE account = $1 AND container = ANY($2) ORDER BY container',
            [name, [...containers]],
          );
    return (rows as Row[]).map(head);
  }

  async containerEntries(query: ContainerQuery): Promise<ContainerEntryRow[]> {
    return (await rowsOf(this.pool, containerEntriesQuery(query))).map(entry);
  }

  async accountBytes(name: string): Promise<number> {
    const { rows } = await this.pool.query(READ.accountBytes, [name, name]);
    return num((rows[0] as Row).n);
  }

  async pendingConnections(
    name: string,
    now: number,
    after: { received: number; deviceId: string } | undefined,
    limit: number,
  ): Promise<ConnectionRow[]> {
    return (await rowsOf(this.pool, pendingConnectionsQuery(name, now, after, limit))).map(
      connection,
    );
  }

  async claimNonce(
    device: string,
    nonce: string,
    expires: number,
    now = Date.now(),
  ): Promise<boolean> {
    if (++this.nonceClaims % 1000 === 0) {
      this.noncePool.query(READ.deleteNonces, [now]).catch(() => undefined);
    }
    const { rowCount } = await this.noncePool.query(
      `INSERT INTO nonces (device, nonce, expires) VALUES ($1, $2, $3)
       ON CONFLICT (device, nonce) DO UPDATE SET expires = EXCLUDED.expires
       WHERE nonces.expires <= $4`,
      [device, nonce, expires, now],
    );
    return rowCount === 1;
  }

  onConnectionAnswered(listener: (account: string, deviceId: string) => void): () => void {
    return this.connectionListeners.answered.add(listener);
  }

  onConnectionRequested(listener: (account: string, deviceId: string) => void): () => void {
    return this.connectionListeners.requested.add(listener);
  }
}

/** MeshError for a PostgreSQL URL that cannot be used. */
export function postgresUnavailable(cause: unknown): MeshError {
  return new MeshError('SERVICE_ERROR', 'PostgreSQL is not reachable', {}, { cause });
}
