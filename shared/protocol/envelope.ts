/**
 * The JSON envelope of the HTTP binding (docs/architecture.md section 5): a request body is one
 * JSON object with exactly one member, named after the request message; a response body likewise
 * names the response message (or MeshResponse). Errors are MeshError INVALID_MESSAGE with
 * details.field the path of the first problem, e.g. `GetRequest.SearchConstraints.MaxEntries`.
 */
import type { z } from 'zod';
import { MeshError } from '../errors';
import { allowListed } from './allow-list';
import { meshResponseSchema } from './common';
import type { MeshResponse } from './common';
import { isSuccess } from './status-codes';
import type {
  FailureOf,
  RequestOf,
  ResponseOf,
  TransactionName,
  ValidRequestOf,
} from './transactions';
import { transactionOfRequest, transactions } from './transactions';

/** The member name of a response to a request that could not be understood. */
export const MESH_RESPONSE = 'MeshResponse';

/** A validated request: the transaction and its message. */
export type DecodedRequest = {
  [T in TransactionName]: { transaction: T; message: ValidRequestOf<T> };
}[TransactionName];

function invalid(message: string, field: string): MeshError {
  return new MeshError('INVALID_MESSAGE', message, { field });
}

/** The first zod issue as "path: message", and the path. */
export function describeIssue(
  error: z.ZodError,
  prefix: string,
): { description: string; field: string } {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path.map(String) ?? [])];
  let message = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') {
    path.push(String(issue.keys[0]));
    message = 'unknown field';
  }
  const field = path.join('.');
  return { description: `${field}: ${message}`, field };
}

/** The single member of an envelope object; INVALID_MESSAGE naming what is wrong otherwise. */
function singleMember(value: unknown, what: string): [string, unknown] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`the ${what} body must be a JSON object`, '');
  }
  const names = Object.keys(value);
  if (names.length !== 1) {
    throw invalid(
      `the ${what} body must have exactly one member naming the message, not ${names.length}`,
      '',
    );
  }
  const name = names[0] as string;
  return [name, (value as Record<string, unknown>)[name]];
}

/** Parse JSON text; INVALID_MESSAGE for text that is not JSON. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(`the ${what} body is not valid JSON`, '');
  }
}

/**
 * Decode and validate a request body (docs/architecture.md section 5): JSON, one member, a known
 * request message, every field of the right type (strict: unknown fields are refused).
 */
export function decodeRequest(body: string | unknown): DecodedRequest {
  const value = typeof body === 'string' ? parseJson(body, 'request') : body;
  const [name, fields] = singleMember(value, 'request');
  const transaction = transactionOfRequest(name);
  if (transaction === undefined) {
    throw invalid(`${name} is not a request message of this service`, name);
  }
  const result = transactions[transaction].requestSchema.safeParse(fields);
  if (!result.success) {
    const { description, field } = describeIssue(result.error, name);
    throw invalid(description, field);
  }
  return { transaction, message: result.data } as DecodedRequest;
}

/** The request body for a transaction, validated first (INVALID_MESSAGE naming the field). */
export function encodeRequest<T extends TransactionName>(
  transaction: T,
  message: RequestOf<T>,
): string {
  const definition = transactions[transaction];
  const result = definition.requestSchema.safeParse(message);
  if (!result.success) {
    const { description, field } = describeIssue(result.error, definition.request);
    throw invalid(description, field);
  }
  return JSON.stringify({ [definition.request]: message });
}

/**
 * The response body of a transaction: passed through its response schema first, so only
 * declared fields leave (docs/architecture.md section 11 "The service": responses are allow-lists).
 * A success uses the response schema, a failure the failure schema.
 */
export function encodeResponse<T extends TransactionName>(
  transaction: T,
  message: ResponseOf<T> | FailureOf<T>,
): string {
  const definition = transactions[transaction];
  const schema = isSuccess(message.Status) ? definition.responseSchema : definition.failureSchema;
  const result = schema.safeParse(message);
  if (!result.success) {
    const { description, field } = describeIssue(result.error, definition.response);
    throw new MeshError('INTERNAL', `response does not match its schema: ${description}`, {
      field,
    });
  }
  return JSON.stringify({ [definition.response]: result.data });
}

/**
 * encodeResponse() for the service's hot path: the same allow-list (only declared fields leave),
 * without re-running the schema's checks on values the service built itself (allow-list.ts).
 */
export function encodeResponseAllowListed<T extends TransactionName>(
  transaction: T,
  message: ResponseOf<T> | FailureOf<T>,
): string {
  const definition = transactions[transaction];
  const schema = isSuccess(message.Status) ? definition.responseSchema : definition.failureSchema;
  return `{${JSON.stringify(definition.response)}:${JSON.stringify(allowListed(schema, message))}}`;
}

/** The body of a MeshResponse: the answer to a request that could not be decoded. */
export function encodeMeshResponse(response: MeshResponse): string {
  return JSON.stringify({ [MESH_RESPONSE]: meshResponseSchema.parse(response) });
}

/** A decoded response: the success message, or the failure with its status. */
export type DecodedResponse<T extends TransactionName> =
  | { ok: true; status: number; message: ResponseOf<T> }
  | { ok: false; status: number; description: string; message: FailureOf<T> | MeshResponse };

/**
 * Decode a response body for a transaction (client side). The payload Status is authoritative
 * (draft-hallambaker-mesh-reference-03 section 7.2); unknown fields are dropped. INVALID_MESSAGE
 * when the body is not a response of this transaction or MeshResponse.
 */
export function decodeResponse<T extends TransactionName>(
  transaction: T,
  body: string | unknown,
): DecodedResponse<T> {
  const definition = transactions[transaction];
  const value = typeof body === 'string' ? parseJson(body, 'response') : body;
  const [name, fields] = singleMember(value, 'response');
  if (name !== definition.response && name !== MESH_RESPONSE) {
    throw invalid(`expected ${definition.response}, got ${name}`, name);
  }
  const base = meshResponseSchema.safeParse(fields);
  if (!base.success) {
    const { description, field } = describeIssue(base.error, name);
    throw invalid(description, field);
  }
  const status = base.data.Status;
  if (isSuccess(status)) {
    if (name === MESH_RESPONSE) {
      throw invalid(`a successful answer must be a ${definition.response}`, name);
    }
    const result = definition.responseSchema.safeParse(fields);
    if (!result.success) {
      const { description, field } = describeIssue(result.error, name);
      throw invalid(description, field);
    }
    return { ok: true, status, message: result.data as ResponseOf<T> };
  }
  const failure = name === MESH_RESPONSE ? base : definition.failureSchema.safeParse(fields);
  return {
    ok: false,
    status,
    description: base.data.StatusDescription,
    message: (failure.success ? failure.data : base.data) as FailureOf<T> | MeshResponse,
  };
}
