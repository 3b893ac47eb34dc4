/**
 * Signing the profiles of one master profile (draft-hallambaker-mesh-reference-03 sections 3.3-3.5,
 * 5.1.2-5.4.2; docs/module-contracts.md section 2): each is a signed object `{Identifier,
 * SignedData}` whose compact JWS names its type in `cty` and its signing key in `kid`. Every
 * profile this module signs is verified again with the shared chain rules before it leaves, so the
 * device never publishes what it would refuse.
 */
import { verifyJws } from '../../../shared/crypto/jws';
import type { DeviceProfile } from '../../../shared/profiles/device-profile';
import { verifyDeviceProfile } from '../../../shared/profiles/device-profile';
import type { MasterProfile } from '../../../shared/profiles/master-profile';
import { verifyMasterProfile } from '../../../shared/profiles/master-profile';
import type {
  AdministratorEntry,
  PersonalProfile,
  VerifiedPersonalProfile,
} from '../../../shared/profiles/personal-profile';
import { verifyPersonalProfileChain } from '../../../shared/profiles/personal-profile';
import type { PublicKeyEntry } from '../../../shared/profiles/public-key-entry';
import type { SignedObject } from '../../../shared/profiles/signed-object';
import { formatDateTime } from '../../../shared/protocol/date-time';
import type { MeshKeyPair } from '../crypto/keys';
import { signJson } from '../crypto/sign';
import type { DeviceKeys } from '../session/device-keys';
import type { MasterKeys } from './master-keys';

/**
 * A key as it sits in a profile (draft-hallambaker-mesh-reference-03 section 4.1.1): its UDF and
 * public JWK.
 */
export function publicKeyEntry(key: MeshKeyPair): PublicKeyEntry {
  return { UDF: key.udf, PublicParameters: { ...key.publicJwk } };
}

/** Sign `payload` as a signed object of type `cty` (docs/module-contracts.md section 2). */
export async function signObject(
  identifier: string,
  payload: object,
  key: MeshKeyPair,
  cty: string,
): Promise<SignedObject> {
  return { Identifier: identifier, SignedData: await signJson(payload, key, cty) };
}

/**
 * The signed device profile of this device (draft-hallambaker-mesh-reference-03 section 5.2.2),
 * self-signed by its DSK.
 */
export async function signDeviceProfile(
  keys: DeviceKeys,
  description: string,
  now: number,
): Promise<SignedObject> {
  const profile: DeviceProfile = {
    Identifier: keys.udf,
    Updated: formatDateTime(now),
    Description: description,
    DeviceSignatureKey: publicKeyEntry(keys.sign),
    DeviceAuthenticationKey: publicKeyEntry(keys.authenticate),
    DeviceEncryptionKey: publicKeyEntry(keys.encrypt),
  };
  const signed = await signObject(keys.udf, profile, keys.sign, 'DeviceProfile');
  await verifyDeviceProfile(signed, verifyJws);
  return signed;
}

/**
 * The signed master profile (draft-hallambaker-mesh-reference-03 section 5.3.2):
 * MasterSignatureKey, one escrow key, the online signing key; signed by the master signing key.
 * `Updated` orders versions of it.
 */
export async function signMasterProfile(keys: MasterKeys, now: number): Promise<SignedObject> {
  const profile: MasterProfile = {
    Identifier: keys.sign.udf,
    Updated: formatDateTime(now),
    MasterSignatureKey: publicKeyEntry(keys.sign),
    MasterEscrowKeys: [publicKeyEntry(keys.escrow)],
    OnlineSignatureKeys: [publicKeyEntry(keys.online)],
  };
  const signed = await signObject(keys.sign.udf, profile, keys.sign, 'MasterProfile');
  await verifyMasterProfile(signed, verifyJws);
  return signed;
}

/**
 * A master profile whose only online signing key is `online` (a rotation: the keys it replaces,
 * held by a demoted or removed administrator, no longer sign; docs/device-flows.md "Roles"),
 * strictly newer than `previous`, signed by the master signing key. Only the master key may
 * change OnlineSignatureKeys (draft-hallambaker-mesh-reference-03 §5.3.2).
 */
export async function signRotatedMasterProfile(
  previous: MasterProfile,
  masterSign: MeshKeyPair,
  online: MeshKeyPair,
  now: number,
): Promise<SignedObject> {
  const before = previous.Updated === undefined ? 0 : Date.parse(previous.Updated);
  const profile: MasterProfile = {
    ...previous,
    Updated: formatDateTime(Math.max(now, before + 1)),
    OnlineSignatureKeys: [publicKeyEntry(online)],
  };
  const signed = await signObject(masterSign.udf, profile, masterSign, 'MasterProfile');
  await verifyMasterProfile(signed, verifyJws);
  return signed;
}

/** The fields of a personal profile version that a change may set. */
export interface PersonalProfileContent {
  readonly SignedMasterProfile: SignedObject;
  readonly Devices: readonly SignedObject[];
  readonly Applications: PersonalProfile['Applications'];
  /** The administrator devices (docs/device-flows.md "Roles"); absent: kept as they are. */
  readonly Administrators?: readonly AdministratorEntry[] | undefined;
}

/**
 * Sign a personal profile version (draft-hallambaker-mesh-reference-03 section 5.4.2) with the
 * online signing key and verify its whole chain. `Updated` is `now`, or one millisecond after
 * `previousUpdated` when the clock has not moved past it (the service needs it strictly increasing;
 * docs/protocol.md Publish). Fields of `base` this device does not know (a later version's) are
 * carried over unchanged.
 */
export async function signPersonalProfile(options: {
  readonly masterUdf: string;
  readonly content: PersonalProfileContent;
  readonly online: MeshKeyPair;
  readonly now: number;
  readonly previousUpdated?: number;
  readonly base?: PersonalProfile;
}): Promise<VerifiedPersonalProfile> {
  const { masterUdf, content, online, now, previousUpdated, base } = options;
  const updated = previousUpdated === undefined ? now : Math.max(now, previousUpdated + 1);
  const profile: PersonalProfile = {
    ...base,
    Identifier: masterUdf,
    Updated: formatDateTime(updated),
    SignedMasterProfile: content.SignedMasterProfile,
    Devices: [...content.Devices],
    Applications: [...content.Applications],
    ...(content.Administrators !== undefined && { Administrators: [...content.Administrators] }),
  };
  const signed = await signObject(masterUdf, profile, online, 'PersonalProfile');
  return verifyPersonalProfileChain(signed, verifyJws);
}
