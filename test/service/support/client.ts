/**
 * A protocol client for tests, over real HTTP: encodes requests, signs them as
 * docs/module-contracts.md section 3 says (or deliberately wrongly), and returns the HTTP status
 * with the decoded body.
 */
import {
  encodeAuthenticationSignature,
  authenticationInput,
  formatAuthorization,
  formatAuthenticationTime,
} from '../../../shared/protocol/authentication';
import { randomNonce } from '../../../shared/udf';
import type { RequestOf, TransactionName } from '../../../shared/protocol/transactions';
import { transactionNames, transactions } from '../../../shared/protocol/transactions';
import { decodeResponse } from '../../../shared/protocol/envelope';
import { signDetached } from '../../../electron/core/crypto/sign';
import type { TestDevice } from './identity';

/** How to sign a request. */
export interface Signing {
  readonly account: string;
  readonly device: TestDevice;
  readonly time?: Date;
  readonly nonce?: string;
  /** Sign these bytes instead of the body (to make a bad signature). */
  readonly signBody?: Uint8Array;
  /** Claim this device UDF in the header instead of the signer's. */
  readonly claimDevice?: string;
}

/** A decoded answer. */
export interface Answer {
  readonly httpStatus: number;
  /** The response member's name. */
  readonly name: string;
  // The payload as JSON: tests inspect fields the schema allows.
  readonly payload: Record<string, unknown> & { Status: number; StatusDescription: string };
  readonly text: string;
}

/** The Authorization header for `body` signed as `signing` says. */
export function authorizationFor(body: Uint8Array, signing: Signing): string {
  const claims = {
    account: signing.account,
    device: signing.claimDevice ?? signing.device.udf,
    time: formatAuthenticationTime(signing.time ?? new Date()),
    nonce: signing.nonce ?? randomNonce(),
  };
  const signature = signDetached(
    authenticationInput(claims, signing.signBody ?? body),
    signing.device.auth,
  );
  return formatAuthorization({ ...claims, signature: encodeAuthenticationSignature(signature) });
}

/** A client of one service URL. */
export class TestClient {
  readonly endpoint: string;

  constructor(url: string) {
    this.endpoint = `${url}/.well-known/mmm/`;
  }

  /** POST raw bytes with optional headers. */
  async raw(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    const text = await response.text();
    const json = JSON.parse(text) as Record<string, Answer['payload']>;
    const [name, payload] = Object.entries(json)[0] as [string, Answer['payload']];
    // Every answer must also pass the client's own check of its response schema.
    const transaction = transactionNames.find((t) => transactions[t].response === name);
    if (transaction !== undefined) decodeResponse(transaction, text);
    if (payload.Status !== response.status) {
      throw new Error(`HTTP status ${response.status} differs from the payload Status: ${text}`);
    }
    return { httpStatus: response.status, name, payload, text };
  }

  /** Send a transaction's request, signed when `signing` is given. */
  async call<T extends TransactionName>(
    transaction: T,
    message: RequestOf<T>,
    signing?: Signing,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer> {
    const body = new TextEncoder().encode(
      JSON.stringify({ [transactions[transaction].request]: message }),
    );
    const headers: Record<string, string> = { ...extraHeaders };
    if (signing !== undefined) headers.authorization = authorizationFor(body, signing);
    return this.raw(body, headers);
  }
}
