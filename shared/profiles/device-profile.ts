/**
 * The device profile (draft-hallambaker-mesh-reference-03 section 3.5, 5.2.2; docs/architecture.md
 * section 3): a device's signature, authentication and encryption keys. Identifier: UDF of
 * DeviceSignatureKey; self-signed by it.
 */
import { z } from 'zod';
import { MeshError } from '../errors';
import { udfMatches } from '../udf';
import { profileBaseShape } from './profile-base';
import { checkPublicKeyEntry, publicKeyEntrySchema } from './public-key-entry';
import type { JwsVerifier, SignedObject } from './signed-object';
import { checkSignedBy, readSignedObject, remembered } from './signed-object';

/**
 * DeviceProfile (draft-hallambaker-mesh-reference-03 section 5.2.2; DeviceEncryptionKey as
 * docs/architecture.md section 3 spells it).
 */
export const deviceProfileSchema = z.looseObject({
  ...profileBaseShape,
  Description: z.string().max(256),
  DeviceSignatureKey: publicKeyEntrySchema,
  DeviceAuthenticationKey: publicKeyEntrySchema,
  DeviceEncryptionKey: publicKeyEntrySchema,
});
export type DeviceProfile = z.infer<typeof deviceProfileSchema>;

/** A device profile whose self-signature and identifier have been checked. */
export interface VerifiedDeviceProfile {
  readonly identifier: string;
  readonly profile: DeviceProfile;
  readonly signed: SignedObject;
}

/**
 * Verify a SignedDeviceProfile (draft-hallambaker-mesh-reference-03 section 3.5): Ed25519 signature
 * and authentication keys, an X25519 encryption key, Identifier = UDF of DeviceSignatureKey, signed
 * by that key.
 */
export async function verifyDeviceProfile(
  signed: SignedObject,
  verify: JwsVerifier,
  field = 'Device',
): Promise<VerifiedDeviceProfile> {
  return remembered(verify, 'DeviceProfile', signed, () => verifyOnce(signed, verify, field));
}

async function verifyOnce(
  signed: SignedObject,
  verify: JwsVerifier,
  field: string,
): Promise<VerifiedDeviceProfile> {
  const { header, payload } = readSignedObject(
    signed,
    'DeviceProfile',
    deviceProfileSchema,
    field,
    verify,
  );
  checkPublicKeyEntry(payload.DeviceSignatureKey, 'Ed25519', `${field}.DeviceSignatureKey`);
  checkPublicKeyEntry(
    payload.DeviceAuthenticationKey,
    'Ed25519',
    `${field}.DeviceAuthenticationKey`,
  );
  checkPublicKeyEntry(payload.DeviceEncryptionKey, 'X25519', `${field}.DeviceEncryptionKey`);
  if (!udfMatches(signed.Identifier, payload.DeviceSignatureKey.UDF)) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      `${field}.Identifier is not the UDF of its DeviceSignatureKey`,
      { field: `${field}.Identifier` },
    );
  }
  await checkSignedBy(signed, header, [payload.DeviceSignatureKey], verify, field);
  return { identifier: signed.Identifier, profile: payload, signed };
}
