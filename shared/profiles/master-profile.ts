/**
 * The master profile (draft-hallambaker-mesh-reference-03 section 3.3, 5.3.2; docs/architecture.md
 * section 3): the user's root of trust. Identifier: UDF of MasterSignatureKey. Signed by
 * MasterSignatureKey.
 */
import { z } from 'zod';
import { MeshError } from '../errors';
import { udfMatches } from '../udf';
import { profileBaseShape } from './profile-base';
import { checkPublicKeyEntry, publicKeyEntrySchema } from './public-key-entry';
import type { JwsVerifier, SignedObject } from './signed-object';
import { checkSignedBy, readSignedObject, remembered } from './signed-object';

/** MasterProfile (draft-hallambaker-mesh-reference-03 section 5.3.2). */
export const masterProfileSchema = z.looseObject({
  ...profileBaseShape,
  MasterSignatureKey: publicKeyEntrySchema,
  MasterEscrowKeys: z.array(publicKeyEntrySchema).max(16).optional(),
  OnlineSignatureKeys: z.array(publicKeyEntrySchema).min(1).max(16),
});
export type MasterProfile = z.infer<typeof masterProfileSchema>;

/** A master profile whose signature and identifier have been checked. */
export interface VerifiedMasterProfile {
  readonly identifier: string;
  readonly profile: MasterProfile;
  readonly signed: SignedObject;
}

/**
 * Verify a SignedMasterProfile (draft-hallambaker-mesh-reference-03 section 3.3): its keys are what
 * their UDFs say, its Identifier is the UDF of MasterSignatureKey, and MasterSignatureKey signed
 * it.
 */
export async function verifyMasterProfile(
  signed: SignedObject,
  verify: JwsVerifier,
  field = 'SignedMasterProfile',
): Promise<VerifiedMasterProfile> {
  return remembered(verify, 'MasterProfile', signed, () => verifyOnce(signed, verify, field));
}

async function verifyOnce(
  signed: SignedObject,
  verify: JwsVerifier,
  field: string,
): Promise<VerifiedMasterProfile> {
  const { header, payload } = readSignedObject(
    signed,
    'MasterProfile',
    masterProfileSchema,
    field,
    verify,
  );
  checkPublicKeyEntry(payload.MasterSignatureKey, 'Ed25519', `${field}.MasterSignatureKey`);
  payload.OnlineSignatureKeys.forEach((key, i) =>
    checkPublicKeyEntry(key, 'Ed25519', `${field}.OnlineSignatureKeys.${i}`),
  );
  (payload.MasterEscrowKeys ?? []).forEach((key, i) =>
    checkPublicKeyEntry(key, 'X25519', `${field}.MasterEscrowKeys.${i}`),
  );
  if (!udfMatches(signed.Identifier, payload.MasterSignatureKey.UDF)) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      `${field}.Identifier is not the UDF of its MasterSignatureKey`,
      { field: `${field}.Identifier` },
    );
  }
  await checkSignedBy(signed, header, [payload.MasterSignatureKey], verify, field);
  return { identifier: signed.Identifier, profile: payload, signed };
}
