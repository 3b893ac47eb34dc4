/**
 * Request authentication, device side (docs/module-contracts.md section 3; docs/architecture.md
 * section 5): the
 * `Authorization: Mesh ...` header over the exact body bytes, a fresh time and nonce, signed with
 * the device's DeviceAuthenticationKey. A fresh header is made for every attempt, so a retried
 * request is never refused as a replay.
 */
import {
  authenticationInput,
  encodeAuthenticationSignature,
  formatAuthenticationTime,
  formatAuthorization,
} from '../../../shared/protocol/authentication';
import { randomNonce } from '../../../shared/udf';
import type { MeshKeyPair } from '../crypto/keys';
import { signDetached } from '../crypto/sign';

/** Who signs requests: an account's device and a way to sign with its authentication key. */
export interface RequestSigner {
  /** The account's local part (lower case), as in the messages. */
  readonly account: string;
  /** UDF of the signing device's device profile. */
  readonly device: string;
  /** A raw Ed25519 signature over `bytes`. */
  sign(bytes: Uint8Array): Uint8Array;
}

/** A signer for `account` with the device profile `deviceUdf` and its authentication key. */
export function deviceRequestSigner(options: {
  account: string;
  deviceUdf: string;
  authenticationKey: MeshKeyPair;
}): RequestSigner {
  const { account, deviceUdf, authenticationKey } = options;
  return {
    account,
    device: deviceUdf,
    sign: (bytes) => signDetached(bytes, authenticationKey),
  };
}

/** The Authorization header value for one request body (docs/module-contracts.md section 3). */
export function authorizationHeader(
  signer: RequestSigner,
  body: Uint8Array,
  now: Date = new Date(),
): string {
  const claims = {
    account: signer.account,
    device: signer.device,
    time: formatAuthenticationTime(now),
    nonce: randomNonce(),
  };
  const signature = signer.sign(authenticationInput(claims, body));
  return formatAuthorization({ ...claims, signature: encodeAuthenticationSignature(signature) });
}
