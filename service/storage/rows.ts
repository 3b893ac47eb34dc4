/**
 * The rows the service stores (draft-hallambaker-mesh-reference-03 section 8: the portal's log and
 * the state it derives). Times are milliseconds since the epoch; identifiers are canonical
 * (service/identifiers.ts).
 */

/**
 * One transaction of the log (draft-hallambaker-mesh-reference-03 section 3.1.4): a Merkle leaf.
 */
export interface LogRow {
  /** TransactionID, from 1, without gaps; the leaf index is id - 1. */
  readonly id: number;
  readonly time: number;
  readonly type: string;
  /** The exact record text; the leaf is its UTF-8 bytes. */
  readonly record: string;
  /** SHA-256(0x00 || UTF-8(record)) (RFC 9162 2.1.1). */
  readonly leafHash: Uint8Array;
}

/** A leaf hash with its time, for rebuilding and catching up the in-memory tree. */
export interface LeafRow {
  readonly id: number;
  readonly time: number;
  readonly leafHash: Uint8Array;
}

/** Account (draft-hallambaker-mesh-reference-03 section 8.1.2). */
export interface AccountRow {
  /** Lower-cased local part. */
  readonly name: string;
  /** Canonical identifier of the bound personal profile. */
  readonly profileId: string;
  readonly status: 'Open' | 'Closed';
  readonly created: number;
  /** The transaction that last changed the account. */
  readonly txId: number;
}

/** The kinds of published data. */
export type PublishedType = 'PersonalProfile' | 'EscrowEntry';

/** One published version of a personal profile or an escrow entry. */
export interface PublishedRow {
  readonly txId: number;
  readonly identifier: string;
  readonly type: PublishedType;
  /** The account it was published for. */
  readonly account: string;
  readonly published: number;
  /** JSON of the SignedObject or EscrowEntry as published. */
  readonly entry: string;
  /** Whether this is the newest version of its identifier. */
  readonly latest: boolean;
  /** Search terms written with the row: Device (device UDFs a profile lists), Name (its Names). */
  readonly keys?: readonly (readonly [key: 'Device' | 'Name', value: string])[];
}

/** The head of one container of an account (draft-hallambaker-mesh-protocol-00 section 10.4.5). */
export interface ContainerHeadRow {
  readonly account: string;
  readonly container: string;
  readonly index: number;
  /** base64url of the running digest. */
  readonly digest: string;
}

/** One entry of a container. */
export interface ContainerEntryRow {
  readonly account: string;
  readonly container: string;
  readonly index: number;
  readonly txId: number;
  readonly published: number;
  readonly sender: string;
  readonly payload: string;
}

/** The states of a device connection request. */
export type ConnectionState = 'Pending' | 'Accepted' | 'Refused' | 'Query';

/**
 * A device connection request and, once answered, its result (draft-hallambaker-mesh-reference-03
 * section 8.1.4).
 */
export interface ConnectionRow {
  readonly account: string;
  /** Canonical UDF of the device profile. */
  readonly deviceId: string;
  readonly txId: number;
  /** JSON of the SignedConnectionRequest. */
  readonly request: string;
  readonly serverNonce: string;
  readonly witness: string;
  readonly pinId: string | null;
  readonly pinVerified: boolean;
  readonly received: number;
  readonly expires: number;
  readonly state: ConnectionState;
  /** JSON of the SignedConnectionResult, once answered. */
  readonly result: string | null;
}

/** A registered one-time PIN (docs/architecture.md section 7). */
export interface PinRow {
  readonly account: string;
  readonly pinId: string;
  /** base64url of the service verification key. */
  readonly key: string;
  readonly expires: number;
  readonly used: boolean;
  readonly failures: number;
}

/** A request nonce remembered until its authentication window has passed. */
export interface NonceRow {
  readonly device: string;
  readonly nonce: string;
  readonly expires: number;
}

/** The writes of one batch, applied in one database transaction in this order. */
export interface StateWrites {
  readonly log: LogRow[];
  readonly accounts: AccountRow[];
  readonly published: PublishedRow[];
  readonly containerHeads: ContainerHeadRow[];
  readonly containerEntries: ContainerEntryRow[];
  readonly connections: ConnectionRow[];
  readonly pins: PinRow[];
  readonly nonces: NonceRow[];
  /** Connection requests answered in this batch: account and device, to wake long polls. */
  readonly answered: { account: string; deviceId: string }[];
  /**
   * Closed accounts whose derived state the log does not need is removed, last in the batch:
   * container entries and heads, connection requests, PINs (the log keeps every record).
   */
  readonly purged: string[];
}

/** Empty writes. */
export function emptyWrites(): StateWrites {
  return {
    log: [],
    accounts: [],
    published: [],
    containerHeads: [],
    containerEntries: [],
    connections: [],
    pins: [],
    nonces: [],
    answered: [],
    purged: [],
  };
}
