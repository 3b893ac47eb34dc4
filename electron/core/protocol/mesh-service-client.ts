/**
 * The protocol client of one device (docs/architecture.md section 7, "The protocol client"; section
 * 5): encodes a request with the shared/protocol schemas, signs it when the transaction wants a
 * device's signature, POSTs it, validates the answer against the response schema, and turns every
 * failure into a typed MeshError. 503 and network failures are retried with backoff and jitter -
 * for a request that changes state only when it certainly did not reach the service.
 */
import { MeshError, isMeshError } from '../../../shared/errors';
import {
  decodeResponse,
  encodeRequest,
  type DecodedResponse,
} from '../../../shared/protocol/envelope';
import { STATUS } from '../../../shared/protocol/status-codes';
import {
  transactions,
  type RequestOf,
  type ResponseOf,
  type TransactionName,
} from '../../../shared/protocol/transactions';
import { parseAccountAddress, type AccountAddress } from './account-address';
import { discoverService, type DiscoveryOptions } from './discovery';
import { postExchange } from './http-exchange';
import { authorizationHeader, type RequestSigner } from './request-signing';
import { backoffDelay, DEFAULT_RETRY_POLICY, sleep, type RetryPolicy } from './retry';
import { malformedResponse, serviceFailure } from './service-errors';

/**
 * Transactions that change nothing (draft-hallambaker-mesh-reference-03 section 7): safe to send
 * twice.
 */
export const IDEMPOTENT_TRANSACTIONS: ReadonlySet<TransactionName> = new Set<TransactionName>([
  'Hello',
  'ValidateAccount',
  'Get',
  'Status',
  'Download',
  'ConnectStatus',
  'ConnectPending',
  'Transfer',
]);

/** Default time for one exchange. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Default cap on an answer's size. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** How the client reaches and talks to one service. */
export interface MeshServiceClientOptions {
  /** The service URL (from discoverService). */
  readonly url: string;
  /** Signs requests for the account; needed by every transaction that acts for an account. */
  readonly signer?: RequestSigner | undefined;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly maxResponseBytes?: number;
  /** The service's MaxRequestBytes (Hello), to refuse an oversized request before sending it. */
  readonly maxRequestBytes?: number;
  /** For jitter (tests make it deterministic). */
  readonly random?: () => number;
}

/** Per-request options. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Another signer for this request (e.g. a device not yet connected); null: send unsigned. */
  readonly signer?: RequestSigner | null;
  readonly retry?: Partial<RetryPolicy>;
}

/** A Mesh service as seen by this device. */
export class MeshServiceClient {
  readonly url: string;
  readonly #options: MeshServiceClientOptions;

  constructor(options: MeshServiceClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new MeshError('INVALID_ARGUMENT', `a service URL is http(s), not ${url.protocol}`, {
        field: 'url',
      });
    }
    this.url = url.href;
    this.#options = options;
  }

  /** Discover the service of `address` (DNS SRV, well-known URL) and make a client for it. */
  static async forAccount(
    address: string | AccountAddress,
    options: Omit<MeshServiceClientOptions, 'url'> & DiscoveryOptions = {},
  ): Promise<MeshServiceClient> {
    const parsed = typeof address === 'string' ? parseAccountAddress(address) : address;
    const endpoint = await discoverService(parsed, options);
    return new MeshServiceClient({ ...options, url: endpoint.url });
  }

  /** The same service with another default signer. */
  withSigner(signer: RequestSigner | undefined): MeshServiceClient {
    return new MeshServiceClient({ ...this.#options, url: this.url, signer });
  }

  /** The same service with other limits (e.g. the MaxRequestBytes Hello reported). */
  withOptions(options: Partial<Omit<MeshServiceClientOptions, 'url'>>): MeshServiceClient {
    return new MeshServiceClient({ ...this.#options, ...options, url: this.url });
  }

  /**
   * Run one transaction and return its success response; every failure status is a MeshError
   * (UNAUTHORIZED, NOT_FOUND, ALREADY_EXISTS / CONFLICT, TOO_LARGE, OVERLOADED, REDIRECT with
   * details.uri, SERVICE_ERROR), as are NETWORK, TIMEOUT and CANCELLED.
   */
  async call<T extends TransactionName>(
    transaction: T,
    message: RequestOf<T>,
    options: CallOptions = {},
  ): Promise<ResponseOf<T>> {
    const answer = await this.exchange(transaction, message, options);
    if (answer.ok) return answer.message;
    throw serviceFailure(transaction, answer.status, answer.description);
  }

  /**
   * Run one transaction and return the decoded answer, success or failure (for callers that
   * need a failure's fields, such as Upload's conflicting entries). 503 is retried; transport
   * failures and malformed answers still throw.
   */
  async exchange<T extends TransactionName>(
    transaction: T,
    message: RequestOf<T>,
    options: CallOptions = {},
  ): Promise<DecodedResponse<T>> {
    const body = new TextEncoder().encode(encodeRequest(transaction, message));
    const limit = this.#options.maxRequestBytes;
    if (limit !== undefined && body.length > limit) {
      throw new MeshError(
        'TOO_LARGE',
        `the ${transaction} request is ${body.length} bytes; the service accepts ${limit}`,
        { transaction, size: body.length, limit },
      );
    }
    const signer = this.#signerFor(transaction, message, options);
    const policy = { ...DEFAULT_RETRY_POLICY, ...this.#options.retry, ...options.retry };
    const random = this.#options.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        const answer = await this.#attempt(transaction, body, signer, options);
        if (answer.decoded.ok || answer.decoded.status !== STATUS.Overloaded) return answer.decoded;
        retryAfterMs = answer.retryAfterMs;
        if (attempt >= policy.maxAttempts) return answer.decoded;
      } catch (error) {
        if (attempt >= policy.maxAttempts || !this.#retryable(transaction, error)) throw error;
        retryAfterMs = isMeshError(error)
          ? Number(error.details.retryAfterMs) || undefined
          : undefined;
      }
      await sleep(backoffDelay(policy, attempt - 1, random, retryAfterMs), options.signal);
    }
  }

  async #attempt<T extends TransactionName>(
    transaction: T,
    body: Uint8Array,
    signer: RequestSigner | undefined,
    options: CallOptions,
  ): Promise<{ decoded: DecodedResponse<T>; retryAfterMs: number | undefined }> {
    // No Accept: the service answers JSON only, and every byte counts in a sync.
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signer !== undefined) headers.authorization = authorizationHeader(signer, body);
    const answer = await postExchange(this.url, body, {
      headers,
      timeoutMs: options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
      maxResponseBytes: this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
    let decoded: DecodedResponse<T>;
    try {
      decoded = decodeResponse(transaction, answer.text);
    } catch (error) {
      throw this.#undecodable(transaction, answer, error);
    }
    return { decoded, retryAfterMs: answer.retryAfterMs };
  }

  /** An answer that is not a Mesh response: judge it by its HTTP status. */
  #undecodable(
    transaction: TransactionName,
    answer: { status: number; location: string | undefined; retryAfterMs: number | undefined },
    error: unknown,
  ): MeshError {
    const { status } = answer;
    if (
      (status === 301 || status === 302 || status === 303 || status === 307 || status === 308) &&
      answer.location
    ) {
      return new MeshError('REDIRECT', `the service has moved to ${answer.location}`, {
        transaction,
        status,
        uri: answer.location,
      });
    }
    if (status === STATUS.Overloaded) {
      return new MeshError('OVERLOADED', `the service is overloaded (HTTP 503)`, {
        transaction,
        status,
        ...(answer.retryAfterMs !== undefined && { retryAfterMs: answer.retryAfterMs }),
      });
    }
    if (status >= 400) {
      // Not a Mesh body (a proxy's or web server's error page): the HTTP status is all we have.
      return serviceFailure(transaction, status, 'the body is not a Mesh response');
    }
    const problem = isMeshError(error) ? error.message : 'not a Mesh response';
    return malformedResponse(transaction, status, problem, error);
  }

  #retryable(transaction: TransactionName, error: unknown): boolean {
    if (!isMeshError(error)) return false;
    if (error.code === 'OVERLOADED') return true; // refused before it was handled
    if (error.code === 'NETWORK') {
      return IDEMPOTENT_TRANSACTIONS.has(transaction) || error.details.sent === false;
    }
    return false;
  }

  #signerFor(
    transaction: TransactionName,
    message: unknown,
    options: CallOptions,
  ): RequestSigner | undefined {
    const rule = transactions[transaction].authentication;
    const signer = options.signer === null ? undefined : (options.signer ?? this.#options.signer);
    if (rule === 'none') return undefined;
    const required = rule === 'account' || rule === 'profile-device' || rule === 'pending-device';
    if (required && signer === undefined && options.signer !== null) {
      throw new MeshError(
        'NOT_CONNECTED',
        `${transaction} must be signed by a device of the account, and this client has no device key`,
        { transaction },
      );
    }
    if (rule === 'account-if-named') {
      const named = (message as { Account?: unknown }).Account !== undefined;
      return named ? signer : undefined;
    }
    return signer;
  }
}
