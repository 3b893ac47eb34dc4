/**
 * What a service is built from (docs/architecture.md section 6): its storage, its limits (reported
 * by Hello) and its policies. Defaults suit a small self-hosted service; main.ts maps flags and
 * environment variables onto these.
 */
import type { AccountPolicy } from '../shared/protocol/account-name';
import { DEFAULT_ACCOUNT_POLICY } from '../shared/protocol/account-name';
import type { Logger, LogLevel } from './logger';

/** Where the service keeps its state. */
export type StorageOptions =
  | { readonly kind: 'sqlite'; readonly directory: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

/** The limits of docs/architecture.md section 6, reported by Hello. */
export interface ServiceLimits {
  /** Largest request body, in bytes (413 above). */
  readonly maxRequestBytes: number;
  /** Most entries in one page of Get, Download, ConnectPending, Transfer. */
  readonly maxEntriesPerPage: number;
  /** Most unanswered connection requests per account (503 above). */
  readonly maxPendingConnections: number;
  /** Sustained requests per second per client address; 0 turns the limit off. */
  readonly requestsPerSecond: number;
  /** Requests a client may make at once above the sustained rate. */
  readonly requestBurst: number;
  /** Longest ConnectStatus wait, in seconds. */
  readonly maxWaitSeconds: number;
  /**
   * Largest body of a request nobody has to sign for (Hello, ValidateAccount, Get, Status
   * without an account, ConnectStart, CreateAccount), in bytes (413 above).
   */
  readonly maxPublicRequestBytes: number;
  /** Most unproven (no PIN) pending connection requests one source may hold per account. */
  readonly maxPendingPerSource: number;
  /** ConnectStart and CreateAccount per minute per source (sustained; 0 turns it off). */
  readonly publicWritesPerMinute: number;
  /** ConnectStart and CreateAccount one source may make at once above that rate. */
  readonly publicWriteBurst: number;
  /** Most open connections in total (new ones are closed at once above). */
  readonly maxConnections: number;
  /** Most open connections from one source address (trusted proxies excepted). */
  readonly maxConnectionsPerSource: number;
  /** A connection that has no request in flight is closed after this long, in ms. */
  readonly idleTimeoutMs: number;
  /** Most bytes of container entries and escrow entries one account may hold (0: no limit). */
  readonly accountQuotaBytes: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: ServiceLimits = {
  maxRequestBytes: 1024 * 1024,
  maxEntriesPerPage: 1000,
  maxPendingConnections: 16,
  requestsPerSecond: 200,
  requestBurst: 400,
  maxWaitSeconds: 60,
  maxPublicRequestBytes: 64 * 1024,
  maxPendingPerSource: 4,
  publicWritesPerMinute: 60,
  publicWriteBurst: 20,
  maxConnections: 8192,
  maxConnectionsPerSource: 256,
  idleTimeoutMs: 10_000,
  accountQuotaBytes: 1024 * 1024 * 1024,
};

/** Names nobody may register (RFC 2142 role mailboxes and the usual administrative names). */
export const DEFAULT_RESERVED_NAMES: readonly string[] = [
  'abuse',
  'admin',
  'administrator',
  'hostmaster',
  'info',
  'mailer-daemon',
  'mesh',
  'noc',
  'nobody',
  'postmaster',
  'root',
  'security',
  'support',
  'sysadmin',
  'system',
  'webmaster',
  'www',
];

/** Options of buildService(). */
export interface ServiceOptions {
  readonly storage: StorageOptions;
  readonly limits?: Partial<ServiceLimits>;
  readonly accountPolicy?: AccountPolicy;
  /** Accounts whose devices may read the whole log with Transfer. */
  readonly transferAccounts?: readonly string[];
  readonly logger?: Logger;
  /** The logger's level: request lines are made only at 'debug'. */
  readonly logLevel?: LogLevel;
  /** The clock (tests). */
  readonly clock?: () => number;
  /** How long an unanswered connection request lives, in ms. */
  readonly connectionLifetimeMs?: number;
  /** Longest PIN lifetime a ConnectPin may ask for, in ms. */
  readonly maxPinLifetimeMs?: number;
  /** Authorization time window either way, in ms (docs/module-contracts.md section 3). */
  readonly authenticationWindowMs?: number;
  /** Most transactions per group commit. */
  readonly maxBatch?: number;
  /** How long a connection request without a PIN proof lives, in ms (shorter than a proven one). */
  readonly unprovenLifetimeMs?: number;
  /**
   * Addresses of the TLS proxies in front of the service: only their X-Forwarded-For is believed
   * (its right-most address that is not itself a trusted proxy is the source).
   */
  readonly trustedProxies?: readonly string[];
  /** Names that cannot be registered (DEFAULT_RESERVED_NAMES by default; compared lower case). */
  readonly reservedNames?: readonly string[];
  /** Invitation codes: when given, CreateAccount needs one of them (each is used once). */
  readonly invitations?: readonly string[];
  /** Web origins allowed to call the service (an Origin header from any other is refused). */
  readonly allowedOrigins?: readonly string[];
  /** Host header values accepted besides the listening address and loopback names. */
  readonly allowedHosts?: readonly string[];
  /** Longest graceful shutdown, in ms: connections still open then are closed. */
  readonly shutdownDeadlineMs?: number;
  /**
   * Start even on stored state that looks lost: an empty database file, or a log whose signing
   * key is gone (a new key is made). Without it such a start is refused.
   */
  readonly init?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly storage: StorageOptions;
  readonly limits: ServiceLimits;
  readonly accountPolicy: AccountPolicy;
  readonly transferAccounts: ReadonlySet<string>;
  readonly clock: () => number;
  readonly connectionLifetimeMs: number;
  readonly maxPinLifetimeMs: number;
  readonly authenticationWindowMs: number;
  readonly maxBatch: number;
  readonly unprovenLifetimeMs: number;
  readonly trustedProxies: ReadonlySet<string>;
  readonly reservedNames: ReadonlySet<string>;
  /** undefined: open registration. */
  readonly invitations: ReadonlySet<string> | undefined;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly allowedHosts: ReadonlySet<string>;
  readonly shutdownDeadlineMs: number;
  readonly init: boolean;
}

/** Fill in the defaults. */
export function resolveOptions(options: ServiceOptions): ResolvedOptions {
  return {
    storage: options.storage,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    accountPolicy: options.accountPolicy ?? DEFAULT_ACCOUNT_POLICY,
    transferAccounts: new Set((options.transferAccounts ?? []).map((name) => name.toLowerCase())),
    clock: options.clock ?? Date.now,
    connectionLifetimeMs: options.connectionLifetimeMs ?? 60 * 60 * 1000,
    maxPinLifetimeMs: options.maxPinLifetimeMs ?? 24 * 60 * 60 * 1000,
    authenticationWindowMs: options.authenticationWindowMs ?? 300_000,
    maxBatch: options.maxBatch ?? 1024,
    unprovenLifetimeMs: Math.min(
      options.unprovenLifetimeMs ?? 10 * 60 * 1000,
      options.connectionLifetimeMs ?? 60 * 60 * 1000,
    ),
    trustedProxies: new Set(options.trustedProxies ?? []),
    reservedNames: new Set(
      (options.reservedNames ?? DEFAULT_RESERVED_NAMES).map((name) => name.toLowerCase()),
    ),
    invitations: options.invitations === undefined ? undefined : new Set(options.invitations),
    allowedOrigins: new Set(options.allowedOrigins ?? []),
    allowedHosts: new Set((options.allowedHosts ?? []).map((host) => host.toLowerCase())),
    shutdownDeadlineMs: options.shutdownDeadlineMs ?? 10_000,
    init: options.init === true,
  };
}
