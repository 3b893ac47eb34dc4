/**
 * The transactions of the Mesh service (docs/architecture.md section 5): for each, the request and
 * response message names, their schemas, and who must sign the request. One table that the service
 * dispatches on and the client encodes from, so the two cannot disagree.
 */
import type { z } from 'zod';
import { meshResponseSchema } from './common';
import {
  connectCompleteRequestSchema,
  connectCompleteResponseSchema,
} from './messages/connect-complete';
import {
  connectPendingRequestSchema,
  connectPendingResponseSchema,
} from './messages/connect-pending';
import {
  connectDismissRequestSchema,
  connectDismissResponseSchema,
} from './messages/connect-dismiss';
import { connectPinRequestSchema, connectPinResponseSchema } from './messages/connect-pin';
import { connectStartRequestSchema, connectStartResponseSchema } from './messages/connect-start';
import { connectStatusRequestSchema, connectStatusResponseSchema } from './messages/connect-status';
import { createRequestSchema, createResponseSchema } from './messages/create-account';
import { deleteRequestSchema, deleteResponseSchema } from './messages/delete-account';
import { downloadRequestSchema, downloadResponseSchema } from './messages/download';
import { getRequestSchema, getResponseSchema } from './messages/get';
import { helloRequestSchema, helloResponseSchema } from './messages/hello';
import { postRequestSchema, postResponseSchema } from './messages/post';
import {
  publishFailureSchema,
  publishRequestSchema,
  publishResponseSchema,
} from './messages/publish';
import { statusRequestSchema, statusResponseSchema } from './messages/status';
import { transferRequestSchema, transferResponseSchema } from './messages/transfer';
import { uploadFailureSchema, uploadRequestSchema, uploadResponseSchema } from './messages/upload';
import { validateRequestSchema, validateResponseSchema } from './messages/validate-account';

/**
 * Who signs a request (docs/module-contracts.md section 3; docs/architecture.md section 5):
 * - none: public;
 * - account: a device listed in the current personal profile of the message's account;
 * - account-if-named: as account when the message names an account (Status), else public;
 * - profile-device: a device listed in the personal profile the message carries (CreateAccount);
 * - pending-device: the device of the pending connection request (ConnectStatus);
 * - escrow: as account for an EscrowEntry, none for a self-signed Profile (Publish).
 */
export type AuthenticationRule =
  'none' | 'account' | 'account-if-named' | 'profile-device' | 'pending-device' | 'escrow';

function transaction<
  const Request extends string,
  const Response extends string,
  RequestSchema extends z.ZodType,
  ResponseSchema extends z.ZodType,
  FailureSchema extends z.ZodType = typeof meshResponseSchema,
>(definition: {
  request: Request;
  response: Response;
  requestSchema: RequestSchema;
  responseSchema: ResponseSchema;
  failureSchema?: FailureSchema;
  authentication: AuthenticationRule;
  /** The request field that names the account, when there is one. */
  accountField?: 'Account' | 'AccountID';
}) {
  return {
    ...definition,
    failureSchema: (definition.failureSchema ?? meshResponseSchema) as FailureSchema,
  };
}

/**
 * Every transaction, by name (docs/architecture.md section 5, plus ConnectPin for the PIN flow).
 */
export const transactions = {
  Hello: transaction({
    request: 'HelloRequest',
    response: 'HelloResponse',
    requestSchema: helloRequestSchema,
    responseSchema: helloResponseSchema,
    authentication: 'none',
  }),
  ValidateAccount: transaction({
    request: 'ValidateRequest',
    response: 'ValidateResponse',
    requestSchema: validateRequestSchema,
    responseSchema: validateResponseSchema,
    authentication: 'none',
  }),
  CreateAccount: transaction({
    request: 'CreateRequest',
    response: 'CreateResponse',
    requestSchema: createRequestSchema,
    responseSchema: createResponseSchema,
    authentication: 'profile-device',
    accountField: 'Account',
  }),
  DeleteAccount: transaction({
    request: 'DeleteRequest',
    response: 'DeleteResponse',
    requestSchema: deleteRequestSchema,
    responseSchema: deleteResponseSchema,
    authentication: 'account',
    accountField: 'Account',
  }),
  Publish: transaction({
    request: 'PublishRequest',
    response: 'PublishResponse',
    requestSchema: publishRequestSchema,
    responseSchema: publishResponseSchema,
    failureSchema: publishFailureSchema,
    authentication: 'escrow',
    accountField: 'Account',
  }),
  Get: transaction({
    request: 'GetRequest',
    response: 'GetResponse',
    requestSchema: getRequestSchema,
    responseSchema: getResponseSchema,
    authentication: 'none',
  }),
  Status: transaction({
    request: 'StatusRequest',
    response: 'StatusResponse',
    requestSchema: statusRequestSchema,
    responseSchema: statusResponseSchema,
    authentication: 'account-if-named',
    accountField: 'Account',
  }),
  Download: transaction({
    request: 'DownloadRequest',
    response: 'DownloadResponse',
    requestSchema: downloadRequestSchema,
    responseSchema: downloadResponseSchema,
    authentication: 'account',
    accountField: 'Account',
  }),
  Upload: transaction({
    request: 'UploadRequest',
    response: 'UploadResponse',
    requestSchema: uploadRequestSchema,
    responseSchema: uploadResponseSchema,
    failureSchema: uploadFailureSchema,
    authentication: 'account',
    accountField: 'Account',
  }),
  Post: transaction({
    request: 'PostRequest',
    response: 'PostResponse',
    requestSchema: postRequestSchema,
    responseSchema: postResponseSchema,
    authentication: 'account',
    accountField: 'Account',
  }),
  ConnectStart: transaction({
    request: 'ConnectStartRequest',
    response: 'ConnectStartResponse',
    requestSchema: connectStartRequestSchema,
    responseSchema: connectStartResponseSchema,
    authentication: 'none',
  }),
  ConnectStatus: transaction({
    request: 'ConnectStatusRequest',
    response: 'ConnectStatusResponse',
    requestSchema: connectStatusRequestSchema,
    responseSchema: connectStatusResponseSchema,
    authentication: 'pending-device',
    accountField: 'AccountID',
  }),
  ConnectPending: transaction({
    request: 'ConnectPendingRequest',
    response: 'ConnectPendingResponse',
    requestSchema: connectPendingRequestSchema,
    responseSchema: connectPendingResponseSchema,
    authentication: 'account',
    accountField: 'AccountID',
  }),
  ConnectComplete: transaction({
    request: 'ConnectCompleteRequest',
    response: 'ConnectCompleteResponse',
    requestSchema: connectCompleteRequestSchema,
    responseSchema: connectCompleteResponseSchema,
    authentication: 'account',
    accountField: 'AccountID',
  }),
  ConnectPin: transaction({
    request: 'ConnectPinRequest',
    response: 'ConnectPinResponse',
    requestSchema: connectPinRequestSchema,
    responseSchema: connectPinResponseSchema,
    authentication: 'account',
    accountField: 'AccountID',
  }),
  ConnectDismiss: transaction({
    request: 'ConnectDismissRequest',
    response: 'ConnectDismissResponse',
    requestSchema: connectDismissRequestSchema,
    responseSchema: connectDismissResponseSchema,
    authentication: 'account',
    accountField: 'AccountID',
  }),
  Transfer: transaction({
    request: 'TransferRequest',
    response: 'TransferResponse',
    requestSchema: transferRequestSchema,
    responseSchema: transferResponseSchema,
    authentication: 'account',
    accountField: 'Account',
  }),
} as const;

export type Transactions = typeof transactions;
export type TransactionName = keyof Transactions;
/** The request fields of a transaction, as the sender writes them. */
export type RequestOf<T extends TransactionName> = z.input<Transactions[T]['requestSchema']>;
/** The request of a transaction after validation. */
export type ValidRequestOf<T extends TransactionName> = z.output<Transactions[T]['requestSchema']>;
/** The success response fields of a transaction. */
export type ResponseOf<T extends TransactionName> = z.output<Transactions[T]['responseSchema']>;
/** The failure response fields of a transaction (MeshResponse, or more for Upload and Publish). */
export type FailureOf<T extends TransactionName> = z.output<Transactions[T]['failureSchema']>;

/** Every transaction name. */
export const transactionNames = Object.keys(transactions) as TransactionName[];

const byRequestName = new Map<string, TransactionName>(
  transactionNames.map((name) => [transactions[name].request, name]),
);

/** The transaction a request message name belongs to, if any. */
export function transactionOfRequest(requestName: string): TransactionName | undefined {
  return byRequestName.get(requestName);
}
