/**
 * What every transaction handler is given (docs/architecture.md section 11 "One operation, one
 * file"): the service's parts and the request's authentication. A handler returns its response
 * message, Status included, or throws a MeshError that the dispatcher turns into a failure
 * response.
 */
import { MeshError } from '../../shared/errors';
import type { JwsVerifier } from '../../shared/profiles/signed-object';
import { statusDescription } from '../../shared/protocol/status-codes';
import type { StatusCode } from '../../shared/protocol/status-codes';
import type {
  FailureOf,
  ResponseOf,
  TransactionName,
  ValidRequestOf,
} from '../../shared/protocol/transactions';
import type { Authentication } from '../auth/authenticate';
import type { ResolvedOptions } from '../config';
import type { ServiceKey } from '../crypto/service-key';
import type { TransactionScope } from '../log/batch-state';
import type { LogTree } from '../log/log-tree';
import type { LogWriter } from '../log/log-writer';
import type { Logger } from '../logger';
import type { PageKeys } from '../page-key';
import type { VerifiedProfiles } from '../profile-cache';
import type { StorageBackend } from '../storage/backend';
import type { RateLimiter } from '../http/rate-limit';
import type { ConnectionWaiters } from './connection-waiters';
import type { EnrollmentSources } from './enrollment';
import type { AccountUsage } from './quota';

/** The parts of a running service. */
export interface ServiceContext {
  readonly options: ResolvedOptions;
  readonly backend: StorageBackend;
  readonly writer: LogWriter;
  readonly tree: LogTree;
  readonly serviceKey: ServiceKey;
  readonly pageKeys: PageKeys;
  readonly profiles: VerifiedProfiles;
  readonly verify: JwsVerifier;
  readonly waiters: ConnectionWaiters;
  readonly logger: Logger;
  /** Aborted when the service shuts down (long polls answer at once). */
  readonly shutdown: AbortSignal;
  /** Which source made each pending connection request (enrollment.ts). */
  readonly enrollment: EnrollmentSources;
  /** ConnectStart and CreateAccount per source (limits.publicWritesPerMinute). */
  readonly publicWrites: RateLimiter;
  /** Account usage in bytes, counted once per process then kept up to date (quota.ts). */
  readonly usage: AccountUsage;
}

/** One request as a handler sees it. */
export interface RequestContext {
  /** Set when the request was authenticated. */
  readonly auth?: Authentication;
  /** Aborted when the client goes away or the service shuts down. */
  readonly signal: AbortSignal;
  /** The client's address after trusted proxies ('in-process' for handle()). */
  readonly source: string;
}

/**
 * A response already encoded (through encodeResponse, so its allow-list applied), which a handler
 * may return to answer many requests with one encoding (Hello).
 */
export class EncodedResponse {
  #bytes: Buffer | undefined;

  constructor(
    readonly status: StatusCode,
    readonly body: string,
  ) {}

  /** The body's UTF-8 bytes, made once (a cached answer is written many times). */
  get bytes(): Buffer {
    this.#bytes ??= Buffer.from(this.body, 'utf8');
    return this.#bytes;
  }
}

/** A transaction handler. */
export type Handler<T extends TransactionName> = (
  context: ServiceContext,
  message: ValidRequestOf<T>,
  request: RequestContext,
) => Promise<ResponseOf<T> | FailureOf<T> | EncodedResponse>;

/** A response of `status` with the default description and the given fields. */
export function respond<F extends object>(
  status: StatusCode,
  fields: F,
): F & { Status: StatusCode; StatusDescription: string } {
  return { Status: status, StatusDescription: statusDescription(status), ...fields };
}

/**
 * Submit a write transaction for a request: its nonce (if authenticated) is stored with it, so a
 * replay after a restart is still refused (docs/module-contracts.md section 3).
 */
export function submit<T>(
  context: ServiceContext,
  request: RequestContext,
  work: (scope: TransactionScope) => Promise<T>,
): Promise<T> {
  return context.writer.submit(async (scope) => {
    const result = await work(scope);
    if (request.auth !== undefined) {
      scope.putNonce({
        device: request.auth.device,
        nonce: request.auth.nonce,
        expires: request.auth.nonceExpires,
      });
    }
    return result;
  });
}

/** Thrown inside a transaction whose optimistic read went stale: run it again. */
export class StaleRead extends Error {
  constructor() {
    super('state changed since it was read');
  }
}

/** Run `attempt` again while it throws StaleRead (a concurrent update), up to `times`. */
export async function retryStale<T>(attempt: () => Promise<T>, times = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleRead) || i >= times) {
        if (error instanceof StaleRead) {
          throw new MeshError('CONFLICT', 'the account changed concurrently; try again');
        }
        throw error;
      }
    }
  }
}

/** The authenticated account of a request whose rule requires one (a dispatcher bug if missing). */
export function requireAuthenticated(account: string | undefined): string {
  if (account === undefined) throw new MeshError('INTERNAL', 'authentication missing');
  return account;
}
