/**
 * Signature verification on the service's hot path (docs/architecture.md section 10: at least 0.8
 * of raw node:crypto). The same checks as shared/crypto/jws.ts verifyJws - compact JWS, alg EdDSA,
 * a kid naming the key, a 64-byte signature - with node:crypto's Ed25519 and the imported key
 * objects kept, so most of the cost is the signature check itself. The check runs where
 * signature-checks.ts puts it: here on a quiet service, in the thread pool on a busy one.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { JwsProtectedHeader } from '../../shared/crypto/jws';
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import { udfOfPublicKey } from '../../shared/crypto/public-key';
import { MeshError } from '../../shared/errors';
import type { JwsVerifier } from '../../shared/profiles/signed-object';
import { udfMatches } from '../../shared/udf';
import { checkSignature } from './signature-checks';

const KEY_LIMIT = 4096;
const keys = new Map<string, { key: KeyObject; udf: string }>();
const partPattern = /^[A-Za-z0-9_-]*$/;

/** The node:crypto key object (and UDF) of an Ed25519 public JWK, imported once. */
export function ed25519KeyObject(jwk: PublicKeyJwk): { key: KeyObject; udf: string } {
  let found = keys.get(jwk.x);
  if (found === undefined) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
      throw new MeshError('KEY_INVALID', 'an Ed25519 key is needed to verify a signature');
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    } catch (error) {
      throw new MeshError('KEY_INVALID', 'not an Ed25519 public key', {}, { cause: error });
    }
    found = { key, udf: udfOfPublicKey(jwk) };
    if (keys.size >= KEY_LIMIT) keys.delete(keys.keys().next().value as string);
    keys.set(jwk.x, found);
  }
  return found;
}

/**
 * Raw Ed25519 verification with node:crypto (RFC 8032), where signature-checks.ts runs it. False
 * when it does not verify or the key is not an Ed25519 key.
 */
export async function verifyEd25519(
  bytes: Uint8Array,
  signature: Uint8Array,
  jwk: PublicKeyJwk,
): Promise<boolean> {
  if (signature.length !== 64) return false;
  let key: KeyObject;
  try {
    key = ed25519KeyObject(jwk).key;
  } catch {
    return false;
  }
  return checkSignature(bytes, key, signature);
}

function bad(reason: string): MeshError {
  return new MeshError('SIGNATURE_INVALID', `JWS: ${reason}`, { reason });
}

/** Split a compact JWS (RFC 7515 7.1) without checking it: header and payload, via Buffer. */
function decodeUnverified(compact: string): {
  protectedHeader: JwsProtectedHeader & { crit?: unknown };
  payload: Uint8Array;
  signingInputLength: number;
  signaturePart: string;
} {
  const first = compact.indexOf('.');
  const second = compact.indexOf('.', first + 1);
  if (first < 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) {
    throw bad('not a compact serialization');
  }
  const headerPart = compact.slice(0, first);
  const payloadPart = compact.slice(first + 1, second);
  const signaturePart = compact.slice(second + 1);
  if (
    !partPattern.test(headerPart) ||
    !partPattern.test(payloadPart) ||
    !partPattern.test(signaturePart)
  ) {
    throw bad('a part is not base64url');
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
  } catch {
    throw bad('the header is not JSON');
  }
  if (
    typeof header !== 'object' ||
    header === null ||
    typeof (header as { alg?: unknown }).alg !== 'string'
  ) {
    throw bad('the protected header has no alg');
  }
  const { alg, kid, cty, crit } = header as Record<string, unknown>;
  return {
    protectedHeader: {
      alg: alg as string,
      ...(typeof kid === 'string' ? { kid } : {}),
      ...(typeof cty === 'string' ? { cty } : {}),
      ...(crit === undefined ? {} : { crit }),
    },
    payload: new Uint8Array(Buffer.from(payloadPart, 'base64url')),
    signingInputLength: second,
    signaturePart,
  };
}

const REMEMBERED_LIMIT = 8192;
/** By SignedData (the text the request brought: no copy made), then by kind and Identifier. */
const rememberedVerifications = new Map<string, Map<string, Promise<unknown>>>();

/** A JwsVerifier (shared/profiles/signed-object.ts) on node:crypto. */
export const verifyJwsNode: JwsVerifier = async (compact, jwk) => {
  const decoded = decodeUnverified(compact);
  const header = decoded.protectedHeader;
  if (header.alg !== 'EdDSA') throw bad('alg is not EdDSA');
  if (header.crit !== undefined) throw bad('crit is not supported');
  const { key, udf } = ed25519KeyObject(jwk);
  if (header.kid !== undefined && !kidMatches(header.kid, udf)) throw bad('kid names another key');
  const signature = Buffer.from(decoded.signaturePart, 'base64url');
  if (signature.length !== 64) throw bad('the signature is not 64 bytes');
  const input = Buffer.from(compact.slice(0, decoded.signingInputLength), 'latin1');
  if (!(await checkSignature(input, key, signature))) throw bad('the signature does not verify');
  return {
    protectedHeader: {
      alg: header.alg,
      ...(header.kid === undefined ? {} : { kid: header.kid }),
      ...(header.cty === undefined ? {} : { cty: header.cty }),
    },
    payload: decoded.payload,
  };
};

verifyJwsNode.decodeUnverified = (compact) => {
  const { protectedHeader, payload } = decodeUnverified(compact);
  return { protectedHeader, payload };
};

// Successful verifications of embedded master and device profiles, by their exact text: a new
// personal profile version usually carries the same ones, and the text includes the signature.
verifyJwsNode.remember = <T>(
  kind: string,
  signed: { Identifier: string; SignedData: string },
  run: () => Promise<T>,
): Promise<T> => {
  const k = `${kind}\n${signed.Identifier}`;
  let byText = rememberedVerifications.get(signed.SignedData);
  const found = byText?.get(k);
  if (found !== undefined) return found as Promise<T>;
  const made = run();
  if (byText === undefined) {
    if (rememberedVerifications.size >= REMEMBERED_LIMIT) {
      rememberedVerifications.delete(rememberedVerifications.keys().next().value as string);
    }
    byText = new Map();
    rememberedVerifications.set(signed.SignedData, byText);
  }
  byText.set(k, made);
  const kept = byText;
  made.catch(() => kept.delete(k));
  return made;
};

const kidMatchesKnown = new Map<string, boolean>();

/** Whether a kid names the key of this UDF (remembered: the same few keys sign most objects). */
function kidMatches(kid: string, udf: string): boolean {
  const key = `${kid}\n${udf}`;
  let matches = kidMatchesKnown.get(key);
  if (matches === undefined) {
    try {
      matches = udfMatches(kid, udf);
    } catch {
      matches = false;
    }
    if (kidMatchesKnown.size >= KEY_LIMIT) {
      kidMatchesKnown.delete(kidMatchesKnown.keys().next().value as string);
    }
    kidMatchesKnown.set(key, matches);
  }
  return matches;
}
