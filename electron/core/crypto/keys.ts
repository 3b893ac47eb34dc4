/**
 * Mesh key pairs (docs/architecture.md section 4): Ed25519 to sign, X25519 to encrypt, each derived
 * from a 256-bit seed with HKDF-SHA-512 (RFC 5869; no salt, info = the key's role label), so the
 * same seed always gives the same keys and UDFs and escrow only needs the seed.
 *
 * The private key stays inside this object, in a private field: JSON.stringify, util.inspect
 * and template strings show the public part only. Code in electron/core that must use it
 * (sign.ts, jwe.ts, the key store) goes through privateKeyOf() / exportPrivateJwk().
 */
import { randomBytes } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { base64urlDecode, base64urlEncode } from '../../../shared/encoding/base64url';
import { utf8Encode } from '../../../shared/encoding/utf8';
import { MeshError } from '../../../shared/errors';
import { udfOfPublicKey, type PublicKeyJwk } from '../../../shared/crypto/public-key';

/** The HKDF info label of each key role (contract section 1). */
export const KEY_LABELS = {
  masterSign: 'mesh/master/sign',
  masterEscrow: 'mesh/master/escrow',
  masterOnlineSign: 'mesh/master/online-sign',
  deviceSign: 'mesh/device/sign',
  deviceAuthenticate: 'mesh/device/authenticate',
  deviceEncrypt: 'mesh/device/encrypt',
} as const;

export type KeyAlgorithm = 'Ed25519' | 'X25519';

/** Bytes in a seed and in an Ed25519 or X25519 private key. */
export const SEED_BYTES = 32;

/** An RFC 8037 private key JWK: the public JWK plus d. Secret: keep it inside electron/core. */
export interface PrivateKeyJwk {
  kty: 'OKP';
  crv: KeyAlgorithm;
  x: string;
  d: string;
}

const privateKeyJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.enum(['Ed25519', 'X25519']),
  x: z.string(),
  d: z.string(),
});

let readPrivateKey: (pair: MeshKeyPair) => Uint8Array;

/** A key pair with its public JWK and UDF; the private key is not reachable from outside core. */
export class MeshKeyPair {
  readonly algorithm: KeyAlgorithm;
  readonly label: string;
  readonly publicJwk: PublicKeyJwk;
  /** UDF of the public key at the default precision (docs/architecture.md section 4 step 3). */
  readonly udf: string;
  #privateKey: Uint8Array;
  #wiped = false;

  static {
    readPrivateKey = (pair) => {
      if (pair.#wiped) {
        throw new MeshError('KEY_INVALID', `key ${pair.udf}: the private key has been wiped`);
      }
      return pair.#privateKey;
    };
  }

  private constructor(algorithm: KeyAlgorithm, label: string, privateKey: Uint8Array) {
    this.algorithm = algorithm;
    this.label = label;
    this.#privateKey = privateKey;
    const publicKey =
      algorithm === 'Ed25519' ? ed25519.getPublicKey(privateKey) : x25519.getPublicKey(privateKey);
    this.publicJwk = Object.freeze({ kty: 'OKP', crv: algorithm, x: base64urlEncode(publicKey) });
    this.udf = udfOfPublicKey(this.publicJwk);
    Object.freeze(this);
  }

  /** @internal Builds a pair from raw private key bytes it takes ownership of. */
  static fromPrivateKey(
    algorithm: KeyAlgorithm,
    label: string,
    privateKey: Uint8Array,
  ): MeshKeyPair {
    if (privateKey.length !== SEED_BYTES) {
      throw new MeshError('KEY_INVALID', `a ${algorithm} private key has ${SEED_BYTES} bytes`, {
        bytes: privateKey.length,
      });
    }
    return new MeshKeyPair(algorithm, label, privateKey);
  }

  /** Zeroes the private key; the pair can no longer sign or decrypt. */
  wipe(): void {
    this.#privateKey.fill(0);
    this.#wiped = true;
  }

  /** The public view, so that JSON.stringify never carries the private key. */
  toJSON(): { algorithm: KeyAlgorithm; label: string; publicJwk: PublicKeyJwk; udf: string } {
    return {
      algorithm: this.algorithm,
      label: this.label,
      publicJwk: this.publicJwk,
      udf: this.udf,
    };
  }

  toString(): string {
    return `MeshKeyPair(${this.algorithm} ${this.label} ${this.udf})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** 32 fresh random bytes from the operating system's CSPRNG: a master or device seed. */
export function generateSeed(): Uint8Array {
  return new Uint8Array(randomBytes(SEED_BYTES));
}

/**
 * The key pair of one role: HKDF-SHA-512 (RFC 5869) over the 256-bit seed, no salt, info =
 * UTF-8(label), 32 bytes of output used as the Ed25519 private key (RFC 8032 section 5.1.5) or
 * the X25519 private key (RFC 7748 section 5). Deterministic. The caller keeps and wipes `seed`.
 */
export function deriveKeyPair(
  seed: Uint8Array,
  label: string,
  algorithm: KeyAlgorithm,
): MeshKeyPair {
  if (seed.length !== SEED_BYTES) {
    throw new MeshError('KEY_INVALID', `a seed has ${SEED_BYTES} bytes, not ${seed.length}`, {
      bytes: seed.length,
    });
  }
  if (label.length === 0) {
    throw new MeshError('INVALID_ARGUMENT', 'a key label must not be empty');
  }
  if (algorithm !== 'Ed25519' && algorithm !== 'X25519') {
    throw new MeshError('INVALID_ARGUMENT', `unknown key algorithm ${String(algorithm)}`);
  }
  const privateKey = hkdf(sha512, seed, undefined, utf8Encode(label), SEED_BYTES);
  return MeshKeyPair.fromPrivateKey(algorithm, label, privateKey);
}

/** The private JWK of a pair (RFC 8037 section 2), for the key store only. */
export function exportPrivateJwk(pair: MeshKeyPair): PrivateKeyJwk {
  return { ...pair.publicJwk, crv: pair.algorithm, d: base64urlEncode(readPrivateKey(pair)) };
}

/**
 * A pair from a private JWK (RFC 8037 section 2). The public key is recomputed from d and must
 * equal x, so a damaged or mismatched JWK is a KEY_INVALID rather than a silent wrong key.
 */
export function importKeyPair(jwk: unknown, label: string): MeshKeyPair {
  const parsed = privateKeyJwkSchema.safeParse(jwk);
  if (!parsed.success) {
    throw new MeshError(
      'KEY_INVALID',
      'private key: not an OKP Ed25519 or X25519 JWK with x and d',
    );
  }
  let privateKey: Uint8Array;
  try {
    privateKey = base64urlDecode(parsed.data.d);
  } catch (error) {
    throw new MeshError('KEY_INVALID', 'private key: d is not base64url', {}, { cause: error });
  }
  const pair = MeshKeyPair.fromPrivateKey(parsed.data.crv, label, privateKey);
  if (pair.publicJwk.x !== parsed.data.x) {
    pair.wipe();
    throw new MeshError('KEY_INVALID', 'private key: x is not the public key of d');
  }
  return pair;
}

/** @internal The raw private key bytes, for sign.ts and jwe.ts; never copy them out of core. */
export function privateKeyOf(pair: MeshKeyPair): Uint8Array {
  return readPrivateKey(pair);
}
