/**
 * Public keys as they travel in profiles and messages: an RFC 8037 OKP JWK (Ed25519 to verify,
 * X25519 to encrypt to), its SubjectPublicKeyInfo DER (RFC 8410) and its UDF (docs/architecture.md
 * section 4 step 3). Private parameters never pass this schema: it is an allow-list.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { base64urlDecode, base64urlEncode } from '../encoding/base64url';
import { MeshError } from '../errors';
import { udfFromData } from '../udf';

/** The content type a key's UDF is taken over (docs/architecture.md section 4 step 3). */
export const PKIX_KEYINFO_CONTENT_TYPE = 'application/pkix-keyinfo';

const rawPublicKey = z.string().refine(
  (text) => {
    try {
      return base64urlDecode(text).length === 32;
    } catch {
      return false;
    }
  },
  { message: 'x must be 32 bytes in unpadded base64url' },
);

// Ed25519 keys already found sound, so that parsing the same key again costs no decompression.
const soundEd25519Keys = new Set<string>();
const SOUND_KEYS_LIMIT = 4096;

/**
 * True when x is the canonical encoding of an Ed25519 point that is not of small order
 * (RFC 8032 section 5.1.3). Verifiers disagree on such keys (OpenSSL accepts a non-canonical
 * y, strict RFC 8032 does not) and anyone can sign for a small-order one, so none is accepted.
 */
function isSoundEd25519Key(x: string): boolean {
  if (soundEd25519Keys.has(x)) return true;
  try {
    if (ed25519.Point.fromBytes(base64urlDecode(x), false).isSmallOrder()) return false;
  } catch {
    return false;
  }
  if (soundEd25519Keys.size >= SOUND_KEYS_LIMIT) soundEd25519Keys.clear();
  soundEd25519Keys.add(x);
  return true;
}

/**
 * An Ed25519 or X25519 public key as an RFC 8037 JWK; no other member is accepted, and an
 * Ed25519 x must be a canonical point of large order.
 */
export const publicKeyJwkSchema = z
  .strictObject({
    kty: z.literal('OKP'),
    crv: z.enum(['Ed25519', 'X25519']),
    x: rawPublicKey,
  })
  .refine((key) => key.crv !== 'Ed25519' || isSoundEd25519Key(key.x), {
    message: 'x is not a canonical Ed25519 point of large order',
    path: ['x'],
  });

export type PublicKeyJwk = z.infer<typeof publicKeyJwkSchema>;

// The DER of AlgorithmIdentifier and BIT STRING header for a 32-byte key (RFC 8410 section 4;
// OIDs 1.3.101.112 Ed25519 and 1.3.101.110 X25519).
const SPKI_PREFIX: Readonly<Record<PublicKeyJwk['crv'], readonly number[]>> = {
  Ed25519: [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00],
  X25519: [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00],
};

/** Checks a value against publicKeyJwkSchema; KEY_INVALID naming the member otherwise. */
export function parsePublicKeyJwk(value: unknown): PublicKeyJwk {
  const result = publicKeyJwkSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const member = issue?.path.join('.') || 'key';
    throw new MeshError('KEY_INVALID', `public key: ${member}: ${issue?.message ?? 'invalid'}`, {
      member,
    });
  }
  return result.data;
}

/** The SubjectPublicKeyInfo DER of an Ed25519 or X25519 public key (RFC 8410 section 4). */
export function spkiFromPublicJwk(jwk: PublicKeyJwk): Uint8Array {
  const key = parsePublicKeyJwk(jwk);
  const prefix = SPKI_PREFIX[key.crv];
  const der = new Uint8Array(prefix.length + 32);
  der.set(prefix, 0);
  der.set(base64urlDecode(key.x), prefix.length);
  return der;
}

/** The public JWK inside an Ed25519 or X25519 SubjectPublicKeyInfo DER (RFC 8410 section 4). */
export function publicJwkFromSpki(der: Uint8Array): PublicKeyJwk {
  for (const crv of ['Ed25519', 'X25519'] as const) {
    const prefix = SPKI_PREFIX[crv];
    if (der.length === prefix.length + 32 && prefix.every((byte, index) => der[index] === byte)) {
      return { kty: 'OKP', crv, x: base64urlEncode(der.subarray(prefix.length)) };
    }
  }
  throw new MeshError('KEY_INVALID', 'public key: not an Ed25519 or X25519 SubjectPublicKeyInfo');
}

/** The UDF of a public key: over its SPKI DER, content type application/pkix-keyinfo. */
export function udfOfPublicKey(jwk: PublicKeyJwk, bits?: number): string {
  return udfFromData(
    spkiFromPublicJwk(jwk),
    PKIX_KEYINFO_CONTENT_TYPE,
    bits === undefined ? {} : { bits },
  );
}
