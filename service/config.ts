/**
 * What a service is built from (DESIGN.md section 6): its storage, its limits (reported by Hello)
 * and its policies. Defaults suit a small self-hosted service; main.ts maps flags and environment
 * variables onto these.
 */
import type { AccountPolicy } from '../shared/protocol/account-name';
import { DEFAULT_ACCOUNT_POLICY } from '../shared/protocol/account-name';
import type { Logger, LogLevel } from './logger';

/** Where the service keeps its state. */
export type StorageOptions =
  | { readonly kind: 'sqlite'; readonly directory: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

/** The limits of DESIGN.md section 6, reported by Hello. */
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
}

/** Default limits. */
export const DEFAULT_LIMITS: ServiceLimits = {
  maxRequestBytes: 1024 * 1024,
  maxEntriesPerPage: 1000,
  maxPendingConnections: 16,
  requestsPerSecond: 200,
  requestBurst: 400,
  maxWaitSeconds: 60,
};

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
  /** Authorization time window either way, in ms (CONTRACTS.md section 3). */
  readonly authenticationWindowMs?: number;
  /** Most transactions per group commit. */
  readonly maxBatch?: number;
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
  };
}
