/**
 * The tables of the service, one definition for both backends (docs/architecture.md section 6).
 * `log` is the append-only source of truth; the other tables are the state its transactions
 * produce, written in the same database transaction as the log rows.
 */

/** Column type names per dialect. */
interface Dialect {
  readonly bigint: string;
  readonly bytes: string;
  readonly bool: string;
  /** The literal of true in that boolean column type. */
  readonly true: string;
}

/** DDL statements, in order; each is idempotent (IF NOT EXISTS). */
export function schemaStatements(dialect: Dialect): string[] {
  const { bigint, bytes, bool } = dialect;
  const isTrue = dialect.true;
  return [
    `CREATE TABLE IF NOT EXISTS log (
       id ${bigint} PRIMARY KEY, time ${bigint} NOT NULL, type TEXT NOT NULL,
       record TEXT NOT NULL, leaf_hash ${bytes} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS service_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS accounts (
       name TEXT PRIMARY KEY, profile_id TEXT NOT NULL, status TEXT NOT NULL,
       created ${bigint} NOT NULL, tx_id ${bigint} NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS accounts_profile ON accounts (profile_id)`,
    `CREATE TABLE IF NOT EXISTS published (
       tx_id ${bigint} PRIMARY KEY, identifier TEXT NOT NULL, type TEXT NOT NULL,
       account TEXT NOT NULL, published ${bigint} NOT NULL, entry TEXT NOT NULL,
       latest ${bool} NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS published_identifier ON published (identifier, tx_id)`,
    `CREATE INDEX IF NOT EXISTS published_account ON published (account, type, tx_id)`,
    // The current version of an identifier in one step: without it, superseding it on every
    // Publish reads every earlier version of that identifier.
    `CREATE INDEX IF NOT EXISTS published_latest ON published (identifier) WHERE latest = ${isTrue}`,
    `CREATE TABLE IF NOT EXISTS published_keys (
       key TEXT NOT NULL, value TEXT NOT NULL, tx_id ${bigint} NOT NULL,
       PRIMARY KEY (key, value, tx_id))`,
    `CREATE TABLE IF NOT EXISTS container_heads (
       account TEXT NOT NULL, container TEXT NOT NULL, idx ${bigint} NOT NULL,
       digest TEXT NOT NULL, PRIMARY KEY (account, container))`,
    `CREATE TABLE IF NOT EXISTS container_entries (
       account TEXT NOT NULL, container TEXT NOT NULL, idx ${bigint} NOT NULL,
       tx_id ${bigint} NOT NULL, published ${bigint} NOT NULL, sender TEXT NOT NULL,
       payload TEXT NOT NULL, PRIMARY KEY (account, container, idx))`,
    `CREATE TABLE IF NOT EXISTS connections (
       account TEXT NOT NULL, device_id TEXT NOT NULL, tx_id ${bigint} NOT NULL,
       request TEXT NOT NULL, server_nonce TEXT NOT NULL, witness TEXT NOT NULL,
       pin_id TEXT, pin_verified ${bool} NOT NULL, received ${bigint} NOT NULL,
       expires ${bigint} NOT NULL, state TEXT NOT NULL, result TEXT,
       PRIMARY KEY (account, device_id))`,
    `CREATE INDEX IF NOT EXISTS connections_pending ON connections (account, state, received, device_id)`,
    `CREATE TABLE IF NOT EXISTS pins (
       account TEXT NOT NULL, pin_id TEXT NOT NULL, key TEXT NOT NULL,
       expires ${bigint} NOT NULL, used ${bool} NOT NULL, failures INTEGER NOT NULL,
       PRIMARY KEY (account, pin_id))`,
    `CREATE TABLE IF NOT EXISTS nonces (
       device TEXT NOT NULL, nonce TEXT NOT NULL, expires ${bigint} NOT NULL,
       PRIMARY KEY (device, nonce))`,
  ];
}

/** The tables of an account's derived state that DeleteAccount removes (rows.ts `purged`). */
export const PURGED_TABLES: readonly string[] = [
  'container_entries',
  'container_heads',
  'connections',
  'pins',
];

/** Upper bound for a prefix range scan: every canonical UDF character sorts below '~'. */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}~`;
}
