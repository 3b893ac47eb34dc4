/**
 * Reading the backends' result rows into the service's row types (rows.ts). SQLite and
 * PostgreSQL name their columns alike, so one set of readers serves both.
 */
import type {
  AccountRow,
  ConnectionRow,
  ContainerEntryRow,
  ContainerHeadRow,
  LeafRow,
  LogRow,
  PinRow,
  PublishedRow,
} from './rows';

/** A result row as a driver returns it. */
export type Row = Record<string, unknown>;

/** A numeric column (PostgreSQL returns BIGINT as a string). */
export const num = (value: unknown): number => Number(value);

/** A BLOB or BYTEA column (both drivers return a Buffer) as plain bytes. */
const bytes = (value: unknown): Uint8Array => new Uint8Array(value as Buffer);

export function leaf(row: Row): LeafRow {
  return { id: num(row.id), time: num(row.time), leafHash: bytes(row.leaf_hash) };
}

export function logRow(row: Row): LogRow {
  return {
    id: num(row.id),
    time: num(row.time),
    type: String(row.type),
    record: String(row.record),
    leafHash: bytes(row.leaf_hash),
  };
}

export function account(row: Row): AccountRow {
  return {
    name: String(row.name),
    profileId: String(row.profile_id),
    status: row.status === 'Closed' ? 'Closed' : 'Open',
    created: num(row.created),
    txId: num(row.tx_id),
  };
}

export function published(row: Row): PublishedRow {
  return {
    txId: num(row.tx_id),
    identifier: String(row.identifier),
    type: row.type === 'EscrowEntry' ? 'EscrowEntry' : 'PersonalProfile',
    account: String(row.account),
    published: num(row.published),
    entry: String(row.entry),
    latest: Boolean(row.latest),
  };
}

export function head(row: Row): ContainerHeadRow {
  return {
    account: String(row.account),
    container: String(row.container),
    index: num(row.idx),
    digest: String(row.digest),
  };
}

export function entry(row: Row): ContainerEntryRow {
  return {
    account: String(row.account),
    container: String(row.container),
    index: num(row.idx),
    txId: num(row.tx_id),
    published: num(row.published),
    sender: String(row.sender),
    payload: String(row.payload),
  };
}

export function connection(row: Row): ConnectionRow {
  return {
    account: String(row.account),
    deviceId: String(row.device_id),
    txId: num(row.tx_id),
    request: String(row.request),
    serverNonce: String(row.server_nonce),
    witness: String(row.witness),
    pinId: row.pin_id === null ? null : String(row.pin_id),
    pinVerified: Boolean(row.pin_verified),
    received: num(row.received),
    expires: num(row.expires),
    state: String(row.state) as ConnectionRow['state'],
    result: row.result === null ? null : String(row.result),
  };
}

export function pin(row: Row): PinRow {
  return {
    account: String(row.account),
    pinId: String(row.pin_id),
    key: String(row.key),
    expires: num(row.expires),
    used: Boolean(row.used),
    failures: num(row.failures),
  };
}
