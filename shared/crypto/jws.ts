/**
 * JWS verification (RFC 7515 compact serialization, EdDSA over Ed25519 per RFC 8037), isomorphic:
 * `jose` on the platform's WebCrypto for signed objects, `@noble/curves` for raw detached
 * Ed25519 signatures (RFC 8032). Signing needs a private key and lives in electron/core/crypto.
 * Every failure is a MeshError: SIGNATURE_INVALID for a signature that does not verify or a JWS
 * that is not well formed, KEY_INVALID for a key that cannot verify, INVALID_MESSAGE for a
 * verified payload that does not match its schema.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { compactVerify, importJWK } from 'jose';
import { z } from 'zod';
import { base64urlDecode } from '../encoding/base64url';
import { utf8Decode } from '../encoding/utf8';
import { MeshError } from '../errors';
import { udfMatches } from '../udf';
import { parsePublicKeyJwk, udfOfPublicKey, type PublicKeyJwk } from './public-key';

/** The protected header members the Mesh reads (contract section 2). */
export interface JwsProtectedHeader {
  alg: string;
  kid?: string;
  cty?: string;
}

// The Mesh uses no JWS extension: a crit or b64 member (RFC 7515 4.1.11, RFC 7797) is refused
// rather than left to change what the signature covers.
const protectedHeaderSchema = z.looseObject({
  alg: z.string(),
  kid: z.string().optional(),
  cty: z.string().optional(),
  crit: z.never().optional(),
  b64: z.never().optional(),
});

/**
 * Splits a compact JWS (RFC 7515 section 7.1) into its protected header and payload WITHOUT
 * checking the signature: for routing only (which key, which type), never for trust.
 */
export function decodeJwsUnverified(compact: string): {
  protectedHeader: JwsProtectedHeader;
  payload: Uint8Array;
} {
  const parts = compact.split('.');
  if (parts.length !== 3) {
    throw new MeshError('SIGNATURE_INVALID', 'JWS: not a compact serialization (three parts)', {
      reason: 'form',
    });
  }
  const [headerPart, payloadPart] = parts as [string, string, string];
  let header: unknown;
  let payload: Uint8Array;
  try {
    header = JSON.parse(utf8Decode(base64urlDecode(headerPart)));
    payload = base64urlDecode(payloadPart);
  } catch (error) {
    throw new MeshError(
      'SIGNATURE_INVALID',
      'JWS: the header or payload is not base64url JSON',
      { reason: 'form' },
      { cause: error },
    );
  }
  const parsed = protectedHeaderSchema.safeParse(header);
  if (!parsed.success) {
    throw new MeshError(
      'SIGNATURE_INVALID',
      'JWS: the protected header needs a string alg, string kid and cty if any, and no crit or b64',
      { reason: 'form' },
    );
  }
  const { alg, kid, cty } = parsed.data;
  return {
    protectedHeader: {
      alg,
      ...(kid === undefined ? {} : { kid }),
      ...(cty === undefined ? {} : { cty }),
    },
    payload,
  };
}

// Imported verification keys by their x, so that verifying many objects from one signer does
// not import the same key again; bounded, oldest first out.
const importedKeys = new Map<string, Promise<CryptoKey | Uint8Array>>();
const IMPORTED_KEYS_LIMIT = 1024;

function verificationKey(key: PublicKeyJwk): Promise<CryptoKey | Uint8Array> {
  let imported = importedKeys.get(key.x);
  if (imported === undefined) {
    imported = importJWK({ kty: key.kty, crv: key.crv, x: key.x }, 'EdDSA');
    if (importedKeys.size >= IMPORTED_KEYS_LIMIT) {
      importedKeys.delete(importedKeys.keys().next().value!);
    }
    importedKeys.set(key.x, imported);
    imported.catch(() => importedKeys.delete(key.x));
  }
  return imported;
}

function ed25519Key(key: PublicKeyJwk): PublicKeyJwk {
  const parsed = parsePublicKeyJwk(key);
  if (parsed.crv !== 'Ed25519') {
    throw new MeshError('KEY_INVALID', `public key: a ${parsed.crv} key cannot verify signatures`, {
      crv: parsed.crv,
    });
  }
  return parsed;
}

/**
 * Verifies a compact JWS (RFC 7515) with an Ed25519 key: alg must be EdDSA (RFC 8037), and a
 * kid, when present, must be the UDF of that key. Returns the protected header and payload.
 */
export async function verifyJws(
  compact: string,
  key: PublicKeyJwk,
): Promise<{ protectedHeader: JwsProtectedHeader; payload: Uint8Array }> {
  const publicKey = ed25519Key(key);
  const { protectedHeader } = decodeJwsUnverified(compact);
  if (protectedHeader.alg !== 'EdDSA') {
    throw new MeshError('SIGNATURE_INVALID', `JWS: alg ${protectedHeader.alg} is not EdDSA`, {
      reason: 'alg',
    });
  }
  if (protectedHeader.kid !== undefined && !kidNamesKey(protectedHeader.kid, publicKey)) {
    throw new MeshError('SIGNATURE_INVALID', 'JWS: kid names another key than the one given', {
      reason: 'kid',
    });
  }
  try {
    const verified = await compactVerify(compact, await verificationKey(publicKey), {
      algorithms: ['EdDSA'],
    });
    return { protectedHeader, payload: verified.payload };
  } catch (error) {
    throw new MeshError(
      'SIGNATURE_INVALID',
      'JWS: the signature does not verify',
      { reason: 'signature' },
      { cause: error },
    );
  }
}

// The UDF of each verification key seen, so the kid check does not hash the key every time.
const keyUdfs = new Map<string, string>();

function kidNamesKey(kid: string, key: PublicKeyJwk): boolean {
  let udf = keyUdfs.get(key.x);
  if (udf === undefined) {
    udf = udfOfPublicKey(key);
    if (keyUdfs.size >= IMPORTED_KEYS_LIMIT) keyUdfs.delete(keyUdfs.keys().next().value!);
    keyUdfs.set(key.x, udf);
  }
  try {
    return udfMatches(kid, udf);
  } catch {
    return false;
  }
}

/**
 * Verifies a compact JWS (as verifyJws) whose payload is UTF-8 JSON, and checks it against
 * `schema`; INVALID_MESSAGE names the first field that does not match. With `contentType`,
 * the header's cty must be that type (contract section 2).
 */
export async function verifySignedJson<T>(
  compact: string,
  key: PublicKeyJwk,
  schema: z.ZodType<T>,
  opts: { contentType?: string } = {},
): Promise<T> {
  const { protectedHeader, payload } = await verifyJws(compact, key);
  if (opts.contentType !== undefined && protectedHeader.cty !== opts.contentType) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `signed object: cty is ${protectedHeader.cty ?? 'missing'}, expected ${opts.contentType}`,
      { field: 'cty' },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(payload));
  } catch (error) {
    throw new MeshError(
      'INVALID_MESSAGE',
      'signed object: the payload is not UTF-8 JSON',
      { field: '' },
      { cause: error },
    );
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new MeshError(
      'INVALID_MESSAGE',
      `signed object: ${field === '' ? 'payload' : `field ${field}`}: ${issue?.message ?? 'invalid'}`,
      { field },
    );
  }
  return result.data;
}

/**
 * Verifies a raw 64-byte Ed25519 signature over `bytes` (RFC 8032 section 5.1.7, strict: no
 * ZIP-215 leniency). False for any signature that does not verify; KEY_INVALID when the key is
 * not a sound Ed25519 public key (publicKeyJwkSchema), which is also what keeps this and the
 * WebCrypto verifiers in agreement.
 */
export function verifyDetached(
  bytes: Uint8Array,
  signature: Uint8Array,
  key: PublicKeyJwk,
): boolean {
  const publicKey = base64urlDecode(ed25519Key(key).x);
  if (signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, bytes, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

const detachedKeys = new Map<string, Promise<CryptoKey>>();

/**
 * verifyDetached on the platform's WebCrypto (RFC 8032 Ed25519): several times faster than the
 * pure-JavaScript path, for hot paths such as a service checking request signatures.
 */
export async function verifyDetachedAsync(
  bytes: Uint8Array,
  signature: Uint8Array,
  key: PublicKeyJwk,
): Promise<boolean> {
  const publicKey = ed25519Key(key);
  if (signature.length !== 64) return false;
  let imported = detachedKeys.get(publicKey.x);
  if (imported === undefined) {
    imported = globalThis.crypto.subtle.importKey(
      'raw',
      base64urlDecode(publicKey.x) as Uint8Array<ArrayBuffer>,
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    if (detachedKeys.size >= IMPORTED_KEYS_LIMIT) {
      detachedKeys.delete(detachedKeys.keys().next().value!);
    }
    detachedKeys.set(publicKey.x, imported);
    imported.catch(() => detachedKeys.delete(publicKey.x));
  }
  try {
    return await globalThis.crypto.subtle.verify(
      { name: 'Ed25519' },
      await imported,
      signature as Uint8Array<ArrayBuffer>,
      bytes as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}
