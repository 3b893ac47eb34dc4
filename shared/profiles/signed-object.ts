/**
 * Signed objects (draft-hallambaker-mesh-reference-03 section 5.1.2; docs/module-contracts.md
 * section 2): `{ "Identifier", "SignedData" }` where SignedData is a compact JWS (alg EdDSA, kid =
 * UDF of the signing key, cty = the payload's type name) over the UTF-8 JSON of the object.
 *
 * Signature checking is injected (JwsVerifier) so that the device core passes
 * shared/crypto/jws.ts verifyJws and the service passes its node:crypto verifier: the same chain
 * rules run on both sides.
 */
import { z } from 'zod';
import type { JwsProtectedHeader } from '../crypto/jws';
import { decodeJwsUnverified } from '../crypto/jws';
import type { PublicKeyJwk } from '../crypto/public-key';
import { utf8Decode } from '../encoding/utf8';
import { MeshError } from '../errors';
import { udfSchema } from '../udf-schema';
import type { PublicKeyEntry } from './public-key-entry';
import { keyUdfMatches } from './public-key-entry';

/** Largest compact JWS accepted in a signed object (a personal profile with many devices). */
export const MAX_SIGNED_DATA_LENGTH = 1_000_000;

const compactJwsPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * SignedProfile (draft-hallambaker-mesh-reference-03 section 5.1.2): the object's Identifier and
 * its compact JWS.
 */
export const signedObjectSchema = z.object({
  Identifier: udfSchema(),
  SignedData: z
    .string()
    .max(MAX_SIGNED_DATA_LENGTH)
    .regex(compactJwsPattern, 'must be a compact JWS (three base64url parts)'),
});
export type SignedObject = z.infer<typeof signedObjectSchema>;

/** The cty values of the Mesh's signed objects (docs/module-contracts.md section 2). */
export type SignedObjectType =
  'MasterProfile' | 'DeviceProfile' | 'PersonalProfile' | 'ConnectionRequest' | 'ConnectionResult';

/**
 * Verifies a compact JWS with one key, as shared/crypto/jws.ts verifyJws does. A verifier may
 * also offer a faster unverified decode (the service's node:crypto one does) and remember what it
 * verified (`remember`): the chain functions then verify each embedded master and device profile
 * once, not with every personal profile version that carries it.
 */
export type JwsVerifier = ((
  compact: string,
  key: PublicKeyJwk,
) => Promise<{ protectedHeader: JwsProtectedHeader; payload: Uint8Array }>) & {
  decodeUnverified?: (compact: string) => {
    protectedHeader: JwsProtectedHeader;
    payload: Uint8Array;
  };
  remember?: <T>(
    kind: SignedObjectType,
    signed: SignedObject,
    verify: () => Promise<T>,
  ) => Promise<T>;
};

/** Run `verify` through the verifier's memory, if it has one. */
export function remembered<T>(
  verifier: JwsVerifier,
  kind: SignedObjectType,
  signed: SignedObject,
  verify: () => Promise<T>,
): Promise<T> {
  return verifier.remember === undefined ? verify() : verifier.remember(kind, signed, verify);
}

/** What the signature and header of a signed object say, before the signature is checked. */
export interface SignedObjectHeader {
  readonly kid: string;
  readonly cty: string;
}

/**
 * Read a signed object's header and payload WITHOUT checking the signature (routing only: which
 * key to check it with). Checks alg EdDSA, a kid, the expected cty, and that the payload is JSON
 * matching `schema`; INVALID_MESSAGE / SIGNATURE_INVALID naming the field otherwise.
 */
export function readSignedObject<T>(
  signed: SignedObject,
  type: SignedObjectType,
  schema: z.ZodType<T>,
  field: string,
  verifier?: JwsVerifier,
): { header: SignedObjectHeader; payload: T } {
  const decode = verifier?.decodeUnverified ?? decodeJwsUnverified;
  const { protectedHeader, payload } = decode(signed.SignedData);
  if (protectedHeader.alg !== 'EdDSA') {
    throw new MeshError('SIGNATURE_INVALID', `${field}: alg must be EdDSA`, { field });
  }
  if (protectedHeader.kid === undefined) {
    throw new MeshError('SIGNATURE_INVALID', `${field}: the JWS header has no kid`, { field });
  }
  if (protectedHeader.cty !== type) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `${field}: expected a signed ${type}, got ${protectedHeader.cty ?? 'no cty'}`,
      { field },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(payload));
  } catch (error) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `${field}: the payload is not UTF-8 JSON`,
      { field },
      { cause: error },
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [field, ...(issue?.path.map(String) ?? [])].join('.');
    throw new MeshError('INVALID_MESSAGE', `${path}: ${issue?.message ?? 'invalid'}`, {
      field: path,
    });
  }
  return { header: { kid: protectedHeader.kid, cty: protectedHeader.cty }, payload: result.data };
}

/**
 * Check a signed object's signature with the one key among `authorized` that its kid names.
 * UNTRUSTED_PROFILE when no authorized key has that UDF; SIGNATURE_INVALID when it does not
 * verify. Returns the key that signed.
 */
export async function checkSignedBy(
  signed: SignedObject,
  header: SignedObjectHeader,
  authorized: readonly PublicKeyEntry[],
  verify: JwsVerifier,
  field: string,
): Promise<PublicKeyEntry> {
  const key = authorized.find((candidate) => keyUdfMatches(candidate, header.kid));
  if (key === undefined) {
    throw new MeshError('UNTRUSTED_PROFILE', `${field} is signed by a key that is not authorized`, {
      field,
    });
  }
  try {
    await verify(signed.SignedData, key.PublicParameters);
  } catch (error) {
    throw new MeshError(
      'SIGNATURE_INVALID',
      `${field}: the signature does not verify`,
      { field },
      { cause: error },
    );
  }
  return key;
}
