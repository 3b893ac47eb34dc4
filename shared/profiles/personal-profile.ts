/**
 * The personal profile (draft-hallambaker-mesh-reference-03 section 3.4, 5.4.2;
 * docs/architecture.md section 3) and its chain of authority up to the master signing key:
 *   master profile  -- signed by MasterSignatureKey (the root of trust)
 *   personal profile -- signed by a key in the master profile's OnlineSignatureKeys
 *   device profiles  -- each self-signed by its DeviceSignatureKey
 * Identifier of the personal profile: the master profile's UDF. Each new version supersedes the
 * last, and may only be made by a key the previous version authorizes (checkPersonalProfileUpdate).
 */
import { z } from 'zod';
import { generalJweSchema } from '../crypto/jwe-schema';
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
 * One administrator device of the account (docs/device-flows.md "Roles"; an extension of
 * draft-hallambaker-mesh-reference-03
 * 5.4.2): the device's UDF and the online signing key's private key, encrypted to that device's
 * DeviceEncryptionKey (JWE general JSON, RFC 7516 section 7.2.1), so only that device can read
 * it. The service reads the list to tell administrators from members, never the key.
 */
export const administratorEntrySchema = z.looseObject({
  Device: z.string().min(1).max(256),
  OnlineKey: generalJweSchema,
});
export type AdministratorEntry = z.infer<typeof administratorEntrySchema>;

/**
 * PersonalProfile (draft-hallambaker-mesh-reference-03 section 5.4.2). Updated is required here: it
 * orders the versions, so an old version cannot be replayed over a newer one. Administrators
 * (docs/device-flows.md "Roles") is absent from profiles made before roles existed: then every
 * device counts as one that may see connection requests, and only devices holding the online key
 * can act on them.
 */
export const personalProfileSchema = z.looseObject({
  ...profileBaseShape,
  Updated: dateTimeSchema,
  SignedMasterProfile: signedObjectSchema,
  Devices: z.array(signedObjectSchema).max(MAX_DEVICES),
  Applications: z.array(applicationProfileEntrySchema).max(256),
  Administrators: z.array(administratorEntrySchema).max(MAX_DEVICES).optional(),
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
 * Verify a SignedPersonalProfile and everything inside it (draft-hallambaker-mesh-reference-03
 * section 3.3-3.5; docs/architecture.md section 3). Throws MeshError: INVALID_MESSAGE (shape,
 * naming the field), SIGNATURE_INVALID (a signature that does not verify), UNTRUSTED_PROFILE (a
 * key, identifier or signer the chain does not authorize).
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
  for (const [i, entry] of (payload.Administrators ?? []).entries()) {
    const listed = devices.some((device) => sameUdf(device.identifier, entry.Device));
    const twice = (payload.Administrators ?? [])
      .slice(0, i)
      .some((other) => sameUdf(other.Device, entry.Device));
    if (!listed || twice) {
      throw new MeshError(
        'UNTRUSTED_PROFILE',
        `${field}.Administrators.${i} ${twice ? 'is listed twice' : 'names a device the profile does not list'}`,
        { field: `${field}.Administrators.${i}` },
      );
    }
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
 * Check that `next` may supersede `previous` (draft-hallambaker-mesh-reference-03 section 3.4;
 * docs/architecture.md section 5 Publish): same master signing key; strictly newer Updated (no
 * replay of an old version); a changed master profile must itself be strictly newer (so a retired
 * online key cannot come back through an old master profile); the signer is an online key of a
 * master profile the master key signed. Both must already have passed verifyPersonalProfileChain.
 * Throws MeshError UNAUTHORIZED.
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

/**
 * Whether `deviceUdf` administers the account (docs/device-flows.md "Roles"): true or false from
 * the profile's Administrators list; undefined for a profile that has no such list (made before
 * roles existed).
 */
export function isAdministrator(
  personal: VerifiedPersonalProfile,
  deviceUdf: string,
): boolean | undefined {
  const list = personal.profile.Administrators;
  if (list === undefined) return undefined;
  return list.some((entry) => sameUdf(entry.Device, deviceUdf));
}

/** The Administrators entry of `deviceUdf`, if the profile lists the device as administrator. */
export function administratorEntry(
  personal: VerifiedPersonalProfile,
  deviceUdf: string,
): AdministratorEntry | undefined {
  return personal.profile.Administrators?.find((entry) => sameUdf(entry.Device, deviceUdf));
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
 * account (docs/module-contracts.md section 3), if the profile lists that device.
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
