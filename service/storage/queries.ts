/**
 * The SQL both backends run, written once (docs/architecture.md section 6). Each statement is
 * written with `?` placeholders, as SQLite takes it; PostgreSQL takes it through `numbered`,
 * which writes `$1..$n` in their place. The few words the two dialects spell differently (the
 * literal of true, the byte length of a text) come from a QueryDialect.
 *
 * What truly differs stays in each backend: how the rows of a batch's log, published, keys,
 * accounts, container and nonce tables are written (SQLite a statement a row in its writer
 * thread, PostgreSQL a statement a table over unnest arrays, with its own upserts), the locking
 * (a directory lock; an advisory lock), NOTIFY, and how a request nonce is claimed. Connection
 * and PIN rows are written a row at a time by both, with the statements below.
 */
import type { ContainerQuery, PublishedQuery } from './backend';
import type { ConnectionRow, PinRow } from './rows';
import { PURGED_TABLES, prefixUpperBound } from './schema';

/** A statement and its values, the statement with `?` placeholders. */
export interface Query {
  readonly sql: string;
  readonly values: unknown[];
}

/** What the two dialects spell differently in the statements below. */
export interface QueryDialect {
  /** The literal of true in a boolean column (as schema.ts declares the column). */
  readonly true: string;
  /** The length in bytes of the UTF-8 text in `column`. */
  byteLength(column: string): string;
  /** A boolean as a value bound to a boolean column. */
  bool(value: boolean): unknown;
}

export const SQLITE_DIALECT: QueryDialect = {
  true: '1',
  byteLength: (column) => `LENGTH(CAST(${column} AS BLOB))`,
  bool: (value) => (value ? 1 : 0),
};

export const POSTGRES_DIALECT: QueryDialect = {
  true: 'true',
  byteLength: (column) => `OCTET_LENGTH(${column})`,
  bool: (value) => value,
};

/**
 * `sql` with its `?` placeholders numbered `$1..$n` in order, as PostgreSQL takes them. A `?`
 * inside a quoted literal is left alone.
 */
export function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++index}` : match));
}

/** Most pending requests read for admission (far above any account's limit). */
export const PENDING_READ_LIMIT = 10_000;

/** The fixed statements both backends read with, in `dialect`. */
export function readStatements(dialect: QueryDialect) {
  return {
    maxId: 'SELECT COALESCE(MAX(id), 0) AS id FROM log',
    account: 'SELECT * FROM accounts WHERE name = ?',
    latest: `SELECT * FROM published WHERE identifier = ? AND latest = ${dialect.true}`,
    head: 'SELECT * FROM container_heads WHERE account = ? AND container = ?',
    heads: 'SELECT * FROM container_heads WHERE account = ? ORDER BY container',
    connection: 'SELECT * FROM connections WHERE account = ? AND device_id = ?',
    pendingCount:
      "SELECT COUNT(*) AS n FROM connections WHERE account = ? AND state = 'Pending' AND expires > ?",
    pin: 'SELECT * FROM pins WHERE account = ? AND pin_id = ?',
    secret: 'SELECT value FROM service_secrets WHERE name = ?',
    insertSecret:
      'INSERT INTO service_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
    putSecret:
      'INSERT INTO service_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    leaves: 'SELECT id, time, leaf_hash FROM log WHERE id > ? ORDER BY id LIMIT ?',
    logRows: 'SELECT * FROM log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?',
    // An account's entries and every version of its escrow entries (the quota counts both).
    accountBytes: `SELECT (SELECT COALESCE(SUM(${dialect.byteLength('payload')}), 0) FROM container_entries WHERE account = ?)
      + (SELECT COALESCE(SUM(${dialect.byteLength('entry')}), 0) FROM published WHERE account = ? AND type = 'EscrowEntry') AS n`,
    deleteNonces: 'DELETE FROM nonces WHERE expires < ?',
  } as const;
}

/** The statements that remove an account's derived state (DeleteAccount; schema.ts). */
export function purgeQueries(account: string): Query[] {
  return PURGED_TABLES.map((table) => ({
    sql: `DELETE FROM ${table} WHERE account = ?`,
    values: [account],
  }));
}

/** Write one connection row, replacing the account's row for that device if there is one. */
export function upsertConnectionQuery(row: ConnectionRow, dialect: QueryDialect): Query {
  return {
    sql: `INSERT INTO connections (account, device_id, tx_id, request, server_nonce, witness,
             pin_id, pin_verified, received, expires, state, result)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (account, device_id) DO UPDATE SET tx_id = excluded.tx_id,
             request = excluded.request, server_nonce = excluded.server_nonce,
             witness = excluded.witness, pin_id = excluded.pin_id,
             pin_verified = excluded.pin_verified, received = excluded.received,
             expires = excluded.expires, state = excluded.state, result = excluded.result`,
    values: [
      row.account,
      row.deviceId,
      row.txId,
      row.request,
      row.serverNonce,
      row.witness,
      row.pinId,
      dialect.bool(row.pinVerified),
      row.received,
      row.expires,
      row.state,
      row.result,
    ],
  };
}

/** Write one PIN row, replacing the account's row for that PIN if there is one. */
export function upsertPinQuery(row: PinRow, dialect: QueryDialect): Query {
  return {
    sql: `INSERT INTO pins (account, pin_id, key, expires, used, failures)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (account, pin_id) DO UPDATE SET key = excluded.key,
             expires = excluded.expires, used = excluded.used, failures = excluded.failures`,
    values: [row.account, row.pinId, row.key, row.expires, dialect.bool(row.used), row.failures],
  };
}

/** The conditions of a WHERE clause and their values, in the order of their placeholders. */
class Conditions {
  readonly #clauses: string[] = [];
  readonly #values: unknown[] = [];

  /** Add `clause` with the values of its placeholders. */
  add(clause: string, ...values: unknown[]): void {
    this.#clauses.push(clause);
    this.#values.push(...values);
  }

  /** Add `clause` (one placeholder) when `value` is given. */
  addIf(clause: string, value: unknown): void {
    if (value !== undefined) this.add(clause, value);
  }

  /** `SELECT ... WHERE <the conditions> <tail>`, `tailValues` bound after theirs. */
  select(head: string, tail: string, ...tailValues: unknown[]): Query {
    return {
      sql: `${head} WHERE ${this.#clauses.join(' AND ')} ${tail}`,
      values: [...this.#values, ...tailValues],
    };
  }
}

/** A search of published data (backend.ts PublishedQuery), oldest transaction first. */
export function searchPublishedQuery(query: PublishedQuery, dialect: QueryDialect): Query {
  const where = new Conditions();
  where.add('p.tx_id > ?', query.afterTxId);
  if (query.identifier !== undefined) {
    if ('exact' in query.identifier) {
      where.add('p.identifier = ?', query.identifier.exact);
    } else {
      const { prefix } = query.identifier;
      where.add('p.identifier >= ? AND p.identifier < ?', prefix, prefixUpperBound(prefix));
    }
  }
  where.addIf('p.type = ?', query.type);
  if (query.account !== undefined) {
    where.add(
      "((p.type = 'PersonalProfile' AND p.identifier = ?) OR (p.type = 'EscrowEntry' AND p.account = ?))",
      query.account.profileId,
      query.account.name,
    );
  }
  for (const [key, value] of [
    ['Device', query.device],
    ['Name', query.name],
  ] as const) {
    if (value !== undefined) {
      where.add(
        'EXISTS (SELECT 1 FROM published_keys k WHERE k.key = ? AND k.value = ? AND k.tx_id = p.tx_id)',
        key,
        value,
      );
    }
  }
  where.addIf('p.published >= ?', query.notBefore);
  where.addIf('p.published < ?', query.before);
  if (query.latestOnly) where.add(`p.latest = ${dialect.true}`);
  return where.select('SELECT p.* FROM published p', 'ORDER BY p.tx_id LIMIT ?', query.limit);
}

/** A range of container entries (backend.ts ContainerQuery), by index. */
export function containerEntriesQuery(query: ContainerQuery): Query {
  const where = new Conditions();
  where.add(
    'account = ? AND container = ? AND idx >= ?',
    query.account,
    query.container,
    query.indexMin,
  );
  where.addIf('idx <= ?', query.indexMax);
  where.addIf('published >= ?', query.notBefore);
  where.addIf('published < ?', query.before);
  return where.select('SELECT * FROM container_entries', 'ORDER BY idx LIMIT ?', query.limit);
}

/**
 * An account's unanswered, unexpired connection requests, oldest first, after `after` (a page's
 * last row) when given. The row-value comparison is SQLite's since 3.15 and PostgreSQL's, and
 * both use the connections_pending index for it.
 */
export function pendingConnectionsQuery(
  account: string,
  now: number,
  after: { received: number; deviceId: string } | undefined,
  limit: number,
): Query {
  return after === undefined
    ? {
        sql: `SELECT * FROM connections WHERE account = ? AND state = 'Pending' AND expires > ?
               ORDER BY received, device_id LIMIT ?`,
        values: [account, now, limit],
      }
    : {
        sql: `SELECT * FROM connections WHERE account = ? AND state = 'Pending' AND expires > ?
               AND (received, device_id) > (?, ?) ORDER BY received, device_id LIMIT ?`,
        values: [account, now, after.received, after.deviceId, limit],
      };
}
