/**
 * The personal profile (seed 001 3.4, 5.4.2; DESIGN.md section 3) and its chain of authority up
 * to the master signing key:
 *   master profile  -- signed by MasterSignatureKey (the root of trust)
 *   personal profile -- signed by a key in the master profile's OnlineSignatureKeys
 *   device profiles  -- each self-signed by its DeviceSignatureKey
 * Identifier of the personal profile: the master profile's UDF. Each new version supersedes the
 * last, and may only be made by a key the previous version authorizes (checkPersonalProfileUpdate).
 */
import { z } from 'zod';
import { MeshError } from '../errors';
import { dateTimeMillis, dateTimeSchema } from '../protocol/date-time';
import { udfMatches } from '../udf';
import { applicationProfileEntrySchema } from './application-entry';
import type { VerifiedDeviceProfile } from './device-profile';
import { verifyDeviceProfile } from './device-profile';
import type { VerifiedMasterProfile } from './master-profile';
import { verifyMasterProfile } from './master-profile';
import { profileBaseShape } from './profile-base';
import type { PublicKeyEntry } from './public-key-entry';
import { keyUdfMatches } from './public-key-entry';
import type { JwsVerifier, SignedObject } from './signed-object';
import { checkSignedBy, readSignedObject, signedObjectSchema } from './signed-object';

/** Most devices one personal profile may list. */
export const MAX_DEVICES = 256;

/**
 * PersonalProfile (seed 001 5.4.2). Updated is required here: it orders the versions, so an old
 * version cannot be replayed over a newer one.
 */
export const personalProfileSchema = z.looseObject({
  ...profileBaseShape,
  Updated: dateTimeSchema,
  SignedMasterProfile: signedObjectSchema,
  Devices: z.array(signedObjectSchema).max(MAX_DEVICES),
  Applications: z.array(applicationProfileEntrySchema).max(256),
});
export type PersonalProfile = z.infer<typeof personalProfileSchema>;

/** A personal profile whose whole signature chain has been checked. */
export interface VerifiedPersonalProfile {
  /** The profile's Identifier: the master profile's UDF. */
  readonly identifier: string;
  readonly profile: PersonalProfile;
  readonly signed: SignedObject;
  readonly master: VerifiedMasterProfile;
  readonly devices: readonly VerifiedDeviceProfile[];
  /** The online signature key that signed this version. */
  readonly signer: PublicKeyEntry;
  /** Updated, in milliseconds since the epoch. */
  readonly updated: number;
}

/**
 * Verify a SignedPersonalProfile and everything inside it (seed 001 3.3-3.5; DESIGN.md section 3).
 * Throws MeshError: INVALID_MESSAGE (shape, naming the field), SIGNATURE_INVALID (a signature that
 * does not verify), UNTRUSTED_PROFILE (a key, identifier or signer the chain does not authorize).
 */
export async function verifyPersonalProfileChain(
  signed: SignedObject,
  verify: JwsVerifier,
  field = 'Profile',
): Promise<VerifiedPersonalProfile> {
  const { header, payload } = readSignedObject(
    signed,
    'PersonalProfile',
    personalProfileSchema,
    field,
    verify,
  );
  const master = await verifyMasterProfile(
    payload.SignedMasterProfile,
    verify,
    `${field}.SignedMasterProfile`,
  );
  if (!udfMatches(signed.Identifier, master.identifier)) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      `${field}.Identifier is not the UDF of its master profile`,
      { field: `${field}.Identifier` },
    );
  }
  if (payload.Identifier !== undefined && !sameUdf(payload.Identifier, master.identifier)) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      `${field}: the signed Identifier is not the UDF of its master profile`,
      { field: `${field}.Identifier` },
    );
  }
  const signer = await checkSignedBy(
    signed,
    header,
    master.profile.OnlineSignatureKeys,
    verify,
    field,
  );
  const devices: VerifiedDeviceProfile[] = [];
  for (const [i, device] of payload.Devices.entries()) {
    const verified = await verifyDeviceProfile(device, verify, `${field}.Devices.${i}`);
    if (devices.some((other) => udfMatches(other.identifier, verified.identifier))) {
      throw new MeshError('UNTRUSTED_PROFILE', `${field}.Devices.${i} is listed twice`, {
        field: `${field}.Devices.${i}`,
      });
    }
    devices.push(verified);
  }
  return {
    identifier: signed.Identifier,
    profile: payload,
    signed,
    master,
    devices,
    signer,
    updated: dateTimeMillis(payload.Updated),
  };
}

/**
 * Check that `next` may supersede `previous` (seed 001 3.4; DESIGN.md section 5 Publish): same
 * master signing key; strictly newer Updated (no replay of an old version); a changed master
 * profile must itself be strictly newer (so a retired online key cannot come back through an old
 * master profile); the signer is an online key of a master profile the master key signed.
 * Both must already have passed verifyPersonalProfileChain. Throws MeshError UNAUTHORIZED.
 */
export function checkPersonalProfileUpdate(
  previous: VerifiedPersonalProfile,
  next: VerifiedPersonalProfile,
): void {
  const previousRoot = previous.master.profile.MasterSignatureKey;
  const nextRoot = next.master.profile.MasterSignatureKey;
  if (
    !udfMatches(previous.identifier, next.identifier) ||
    previousRoot.PublicParameters.x !== nextRoot.PublicParameters.x
  ) {
    throw new MeshError('UNAUTHORIZED', 'the update belongs to another master profile', {
      field: 'Identifier',
    });
  }
  if (next.updated <= previous.updated) {
    throw new MeshError(
      'UNAUTHORIZED',
      'the update is not newer than the current version (Updated must increase)',
      { field: 'Updated' },
    );
  }
  if (next.master.signed.SignedData !== previous.master.signed.SignedData) {
    const before = previous.master.profile.Updated;
    const after = next.master.profile.Updated;
    if (
      before === undefined ||
      after === undefined ||
      dateTimeMillis(after) <= dateTimeMillis(before)
    ) {
      throw new MeshError(
        'UNAUTHORIZED',
        'a changed master profile must carry an Updated later than the one it replaces',
        { field: 'SignedMasterProfile.Updated' },
      );
    }
  } else if (
    !previous.master.profile.OnlineSignatureKeys.some((key) => keyUdfMatches(key, next.signer.UDF))
  ) {
    // Unreachable when both passed verification with the same master profile; kept as the rule.
    throw new MeshError('UNAUTHORIZED', 'the update is signed by a key the profile does not list', {
      field: 'SignedData',
    });
  }
}

/** The device profile of `deviceUdf` in a verified personal profile, if the profile lists it. */
export function findDevice(
  personal: VerifiedPersonalProfile,
  deviceUdf: string,
): VerifiedDeviceProfile | undefined {
  return personal.devices.find((device) => sameUdf(device.identifier, deviceUdf));
}

/**
 * The DeviceAuthenticationKey that authenticates requests of `deviceUdf` for this profile's
 * account (CONTRACTS.md section 3), if the profile lists that device.
 */
export function deviceAuthenticationKey(
  personal: VerifiedPersonalProfile,
  deviceUdf: string,
): PublicKeyEntry | undefined {
  return findDevice(personal, deviceUdf)?.profile.DeviceAuthenticationKey;
}

function sameUdf(a: string, b: string): boolean {
  try {
    return udfMatches(a, b);
  } catch {
    return false;
  }
}
