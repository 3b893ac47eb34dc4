/**
 * The dispatcher (DESIGN.md section 5): decode and validate the request before anything else,
 * authenticate it by its transaction's rule (CONTRACTS.md section 3), run its handler, and encode
 * the answer through the response allow-list. A MeshError becomes its status (never 500 for bad
 * input); anything else is a 500 that is logged and described to the client only as internal.
 */
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import { isMeshError } from '../../shared/errors';
import { findDevice } from '../../shared/profiles/personal-profile';
import type { SignedObject } from '../../shared/profiles/signed-object';
import { requireAccountName } from '../../shared/protocol/account-name';
import type { DecodedRequest } from '../../shared/protocol/envelope';
import {
  decodeRequest,
  encodeMeshResponse,
  encodeResponseAllowListed,
} from '../../shared/protocol/envelope';
import { STATUS, statusDescription, statusForError } from '../../shared/protocol/status-codes';
import type { StatusCode } from '../../shared/protocol/status-codes';
import type { TransactionName } from '../../shared/protocol/transactions';
import { transactions } from '../../shared/protocol/transactions';
import type { Authentication } from '../auth/authenticate';
import { authenticate, readAuthorization } from '../auth/authenticate';
import { canonicalIdentifier } from '../identifiers';
import { currentProfile, openAccount } from './accounts';
import { connectComplete } from './connect-complete';
import { connectPending } from './connect-pending';
import { connectPin } from './connect-pin';
import { connectStart } from './connect-start';
import { connectStatus } from './connect-status';
import type { Handler, ServiceContext } from './context';
import { EncodedResponse } from './context';
import { createAccount } from './create-account';
import { deleteAccount } from './delete-account';
import { download } from './download';
import { get } from './get';
import { hello } from './hello';
import { post } from './post';
import { publish } from './publish';
import { status } from './status';
import { transfer } from './transfer';
import { upload } from './upload';
import { validateAccount } from './validate-account';
import { MeshError } from '../../shared/errors';

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
  Transfer: transfer,
};

/** One request as the HTTP binding hands it over. */
export interface IncomingRequest {
  /** The exact body bytes (what the Authorization signature covers). */
  readonly body: Uint8Array;
  readonly authorization?: string;
  /** Aborted when the client goes away or the service stops; made on first use (long polls). */
  signal(): AbortSignal;
}

/** The answer: HTTP status (= payload Status) and body text. */
export interface OutgoingResponse {
  readonly status: StatusCode;
  readonly body: string;
  /** The transaction, when the request could be decoded (for logs). */
  readonly transaction?: TransactionName;
}

type KeyOf = (device: string) => Promise<PublicKeyJwk | undefined>;

/** The account field a message names under its transaction's accountField. */
function accountOf(request: DecodedRequest): string | undefined {
  const field = transactions[request.transaction].accountField;
  if (field === undefined) return undefined;
  const value = (request.message as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/** Who must have signed this request, and with which key (DESIGN.md section 5). */
async function keysFor(
  context: ServiceContext,
  request: DecodedRequest,
): Promise<{ account: string; keyOf: KeyOf } | undefined> {
  const definition = transactions[request.transaction];
  const named = accountOf(request);
  const policy = context.options.accountPolicy;
  const field = `${definition.request}.${definition.accountField ?? 'Account'}`;
  switch (definition.authentication) {
    case 'none':
      return undefined;
    case 'account-if-named':
      if (named === undefined) return undefined;
      break;
    case 'escrow':
      if (request.transaction !== 'Publish' || request.message.EscrowEntry === undefined)
        return undefined;
      break;
    case 'profile-device': {
      if (request.transaction !== 'CreateAccount') return undefined;
      const account = requireAccountName(request.message.Account, field, policy);
      const profile = await context.profiles.personalProfile(
        request.message.Profile,
        'CreateRequest.Profile',
      );
      return {
        account,
        keyOf: async (device) =>
          findDevice(profile, device)?.profile.DeviceAuthenticationKey.PublicParameters,
      };
    }
    case 'pending-device': {
      if (request.transaction !== 'ConnectStatus') return undefined;
      const account = requireAccountName(request.message.AccountID, field, policy);
      const deviceId = canonicalIdentifier(
        request.message.DeviceID,
        'ConnectStatusRequest.DeviceID',
      );
      await openAccount(context.backend, account, field);
      const pending = await context.backend.connection(account, deviceId);
      if (pending === undefined) {
        throw new MeshError('NOT_FOUND', 'no connection request of this device is waiting', {
          field: 'ConnectStatusRequest.DeviceID',
        });
      }
      const verified = await context.profiles.connectionRequest(
        JSON.parse(pending.request) as SignedObject,
      );
      return {
        account,
        keyOf: async (device) =>
          device === deviceId
            ? verified.device.profile.DeviceAuthenticationKey.PublicParameters
            : undefined,
      };
    }
    case 'account':
      break;
  }
  if (named === undefined) {
    throw new MeshError('INVALID_MESSAGE', `${field}: required`, { field });
  }
  const account = requireAccountName(named, field, policy);
  const row = await openAccount(context.backend, account, field);
  const current = await currentProfile(context, context.backend, row);
  return {
    account,
    keyOf: async (device) =>
      findDevice(current.profile, device)?.profile.DeviceAuthenticationKey.PublicParameters,
  };
}

async function authenticationOf(
  context: ServiceContext,
  request: DecodedRequest,
  incoming: IncomingRequest,
): Promise<Authentication | undefined> {
  const definition = transactions[request.transaction];
  const needed =
    definition.authentication === 'account' ||
    definition.authentication === 'profile-device' ||
    definition.authentication === 'pending-device' ||
    (definition.authentication === 'account-if-named' && accountOf(request) !== undefined) ||
    (request.transaction === 'Publish' && request.message.EscrowEntry !== undefined);
  if (!needed) return undefined;
  const fields = readAuthorization(incoming.authorization);
  const keys = await keysFor(context, request);
  if (keys === undefined) return undefined;
  return authenticate(fields, {
    backend: context.backend,
    now: context.options.clock(),
    windowMs: context.options.authenticationWindowMs,
    account: keys.account,
    body: incoming.body,
    keyOf: keys.keyOf,
  });
}

function failure(
  context: ServiceContext,
  error: unknown,
  transaction: TransactionName | undefined,
): { status: StatusCode; description: string } {
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

/** Answer one request (the whole protocol behind the HTTP binding). */
export async function dispatch(
  context: ServiceContext,
  incoming: IncomingRequest,
): Promise<OutgoingResponse> {
  let request: DecodedRequest;
  try {
    const body = incoming.body;
    const text = Buffer.isBuffer(body)
      ? body.toString('utf8')
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    request = decodeRequest(text);
  } catch (error) {
    const { status, description } = failure(context, error, undefined);
    return { status, body: encodeMeshResponse({ Status: status, StatusDescription: description }) };
  }
  const transaction = request.transaction;
  try {
    const auth = await authenticationOf(context, request, incoming);
    const handler = handlers[transaction] as Handler<TransactionName>;
    const response = await handler(context, request.message, {
      ...(auth === undefined ? {} : { auth }),
      get signal() {
        return incoming.signal();
      },
    });
    if (response instanceof EncodedResponse) {
      return { status: response.status, body: response.body, transaction };
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
