/**
 * The dispatcher (docs/architecture.md section 5): decode and validate the request before anything
 * else, authenticate it by its transaction's rule (docs/module-contracts.md section 3), run its
 * handler, and encode the answer through the response allow-list. A MeshError becomes its status
 * (never 500 for bad input); anything else is a 500 that is logged and described to the client only
 * as internal.
 */
import { isDiskFullError, isMeshError, MeshError } from '../../shared/errors';
import type { DecodedRequest } from '../../shared/protocol/envelope';
import {
  decodeRequest,
  encodeMeshResponse,
  encodeResponseAllowListed,
} from '../../shared/protocol/envelope';
import { jsonBodyText } from '../../shared/protocol/json-limits';
import { STATUS, statusDescription, statusForError } from '../../shared/protocol/status-codes';
import type { StatusCode } from '../../shared/protocol/status-codes';
import type { TransactionName } from '../../shared/protocol/transactions';
import { transactions } from '../../shared/protocol/transactions';
import { connectComplete } from './connect-complete';
import { connectDismiss } from './connect-dismiss';
import { connectPending } from './connect-pending';
import { connectPin } from './connect-pin';
import { connectStart } from './connect-start';
import { connectStatus } from './connect-status';
import { authenticationOf } from '../auth/request-authentication';
import type { Handler, ServiceContext } from './context';
import { EncodedResponse } from './context';
import { createAccount } from './create-account';
import { deleteAccount } from './delete-account';
import { download } from './download';
import { get } from './get';
import { encodedHello, hello } from './hello';
import { post } from './post';
import { publish } from './publish';
import { status } from './status';
import { transfer } from './transfer';
import { upload } from './upload';
import { validateAccount } from './validate-account';

const handlers: { [T in TransactionName]: Handler<T> } = {
  Hello: hello,
  ValidateAccount: validateAccount,
  CreateAccount: createAccount,
  DeleteAccount: deleteAccount,
  Publish: publish,
  Get: get,
  Status: status,
  Download: download,
  Upload: upload,
  Post: post,
  ConnectStart: connectStart,
  ConnectStatus: connectStatus,
  ConnectPending: connectPending,
  ConnectComplete: connectComplete,
  ConnectPin: connectPin,
  ConnectDismiss: connectDismiss,
  Transfer: transfer,
};

/** One request as the HTTP binding hands it over. */
export interface IncomingRequest {
  /** The exact body bytes (what the Authorization signature covers). */
  readonly body: Uint8Array;
  readonly authorization?: string;
  /** The client's address (after trusted proxies), for per-source limits. */
  readonly source?: string;
  /** Aborted when the client goes away or the service stops; made on first use (long polls). */
  signal(): AbortSignal;
}

/** The answer: HTTP status (= payload Status) and body text. */
export interface OutgoingResponse {
  readonly status: StatusCode;
  readonly body: string;
  /** The body's UTF-8 bytes when already made (a cached answer), so they are not made again. */
  readonly bytes?: Buffer;
  /** The transaction, when the request could be decoded (for logs). */
  readonly transaction?: TransactionName;
}

const HELLO_BYTES = Buffer.from('{"HelloRequest":{}}', 'utf8');
const HELLO_REQUEST: DecodedRequest = (() => {
  const decoded = decodeRequest(HELLO_BYTES.toString('utf8'));
  Object.freeze(decoded.message);
  return Object.freeze(decoded);
})();

function failure(
  context: ServiceContext,
  error: unknown,
  transaction: TransactionName | undefined,
): { status: StatusCode; description: string } {
  if (!isMeshError(error) && isDiskFullError(error)) {
    // Nothing was stored: the batch's database transaction rolled back.
    context.logger.error('storage full: the request was refused and nothing was stored', {
      transaction,
      error: error instanceof Error ? error.message : String(error),
    });
    return {
      status: STATUS.InsufficientStorage,
      description: "the service's storage is full: nothing was stored; try again later",
    };
  }
  if (isMeshError(error)) {
    const status = statusForError(error.code);
    if (status !== STATUS.Internal) return { status, description: error.message };
    context.logger.error('transaction failed', {
      transaction,
      code: error.code,
      error: error.message,
    });
  } else {
    context.logger.error('transaction failed', {
      transaction,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
  }
  return { status: STATUS.Internal, description: statusDescription(STATUS.Internal) };
}

/**
 * The answer to a request that needs no storage, no authentication and no waiting, given at once
 * (the usual Hello: exactly `{"HelloRequest":{}}`, public, its answer cached per second); undefined
 * for every other request, which goes through dispatch().
 */
export function answerAtOnce(
  context: ServiceContext,
  body: Uint8Array,
): OutgoingResponse | undefined {
  if (body.length !== HELLO_BYTES.length || !HELLO_BYTES.equals(body)) return undefined;
  const response = encodedHello(context);
  return {
    status: response.status,
    body: response.body,
    bytes: response.bytes,
    transaction: 'Hello',
  };
}

/** Transactions anyone may send without a key of an existing account. */
function isPublic(request: DecodedRequest): boolean {
  switch (request.transaction) {
    case 'Hello':
    case 'ValidateAccount':
    case 'Get':
    case 'ConnectStart':
    case 'CreateAccount':
      return true;
    case 'Status':
      return request.message.Account === undefined;
    default:
      return false;
  }
}

/**
 * The limits on requests nobody has to sign for with a key of an existing account: a smaller body
 * (413) and, for the two that write (ConnectStart, CreateAccount), a rate per source (503).
 */
function checkPublicRequest(
  context: ServiceContext,
  request: DecodedRequest,
  bytes: number,
  source: string,
): void {
  if (!isPublic(request)) return;
  const limit = context.options.limits.maxPublicRequestBytes;
  if (bytes > limit) {
    throw new MeshError(
      'TOO_LARGE',
      `a ${transactions[request.transaction].request} may be at most ${limit} bytes`,
      { limit },
    );
  }
  if (
    (request.transaction === 'ConnectStart' || request.transaction === 'CreateAccount') &&
    !context.publicWrites.take(source, context.options.clock())
  ) {
    throw new MeshError('OVERLOADED', 'too many new accounts or connection requests from here', {
      field: transactions[request.transaction].request,
    });
  }
}

/** Answer one request (the whole protocol behind the HTTP binding). */
export async function dispatch(
  context: ServiceContext,
  incoming: IncomingRequest,
): Promise<OutgoingResponse> {
  let request: DecodedRequest;
  try {
    const body = incoming.body;
    const bytes = Buffer.isBuffer(body)
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    // The usual Hello is these exact bytes, which decode to the same (frozen) request every time.
    request = bytes.equals(HELLO_BYTES) ? HELLO_REQUEST : decodeRequest(jsonBodyText(bytes));
  } catch (error) {
    const { status, description } = failure(context, error, undefined);
    return { status, body: encodeMeshResponse({ Status: status, StatusDescription: description }) };
  }
  const transaction = request.transaction;
  const source = incoming.source ?? 'in-process';
  try {
    checkPublicRequest(context, request, incoming.body.length, source);
    const auth = await authenticationOf(context, request, incoming);
    const handler = handlers[transaction] as Handler<TransactionName>;
    const response = await handler(context, request.message, {
      ...(auth === undefined ? {} : { auth }),
      source,
      get signal() {
        return incoming.signal();
      },
    });
    if (response instanceof EncodedResponse) {
      return { status: response.status, body: response.body, bytes: response.bytes, transaction };
    }
    return {
      status: response.Status as StatusCode,
      body: encodeResponseAllowListed(transaction, response),
      transaction,
    };
  } catch (error) {
    const { status, description } = failure(context, error, transaction);
    return {
      status,
      body: encodeResponseAllowListed(transaction, {
        Status: status,
        StatusDescription: description,
      }),
      transaction,
    };
  }
}
