/**
 * Signing with a Mesh key pair: compact JWS (RFC 7515, alg EdDSA per RFC 8037) through jose on
 * the platform's native crypto, and raw detached Ed25519 signatures (RFC 8032) through
 * node:crypto. Verification is isomorphic and lives in shared/crypto/jws.ts.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { CompactSign, importJWK } from 'jose';
import { utf8Encode } from '../../../shared/encoding/utf8';
import { MeshError } from '../../../shared/errors';
import { exportPrivateJwk, privateKeyOf, type MeshKeyPair } from './keys';

const joseKeys = new WeakMap<MeshKeyPair, Promise<CryptoKey | Uint8Array>>();
const nodeKeys = new WeakMap<MeshKeyPair, KeyObject>();

function signingPair(key: MeshKeyPair): MeshKeyPair {
  if (key.algorithm !== 'Ed25519') {
    throw new MeshError('KEY_INVALID', `key ${key.udf}: an ${key.algorithm} key cannot sign`);
  }
  privateKeyOf(key); // throws KEY_INVALID when the pair has been wiped
  return key;
}

/**
 * Signs `value` as UTF-8 JSON in a compact JWS (RFC 7515 section 7.1) with protected header
 * { alg: "EdDSA", kid: key UDF, cty: contentType } (contract section 2).
 */
export async function signJson(
  value: unknown,
  key: MeshKeyPair,
  contentType: string,
): Promise<string> {
  const pair = signingPair(key);
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new MeshError('INVALID_ARGUMENT', 'signJson: the value has no JSON form');
  }
  let imported = joseKeys.get(pair);
  if (imported === undefined) {
    imported = importJWK(exportPrivateJwk(pair), 'EdDSA');
    joseKeys.set(pair, imported);
  }
  return new CompactSign(utf8Encode(json))
    .setProtectedHeader({ alg: 'EdDSA', kid: pair.udf, cty: contentType })
    .sign(await imported);
}

/** A raw 64-byte Ed25519 signature over `bytes` (RFC 8032 section 5.1.6). */
export function signDetached(bytes: Uint8Array, key: MeshKeyPair): Uint8Array {
  const pair = signingPair(key);
  let keyObject = nodeKeys.get(pair);
  if (keyObject === undefined) {
    keyObject = createPrivateKey({ key: { ...exportPrivateJwk(pair) }, format: 'jwk' });
    nodeKeys.set(pair, keyObject);
  }
  return new Uint8Array(sign(null, bytes, keyObject));
}
