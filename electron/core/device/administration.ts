/**
 * Device roles (docs/device-flows.md "Roles"): an administrator device holds the account's online
 * signing key (draft-hallambaker-mesh-reference-03 §5.3.2 OnlineSignatureKeys), a member does not.
 * The personal profile's Administrators list names the administrators, each with the online
 * signing key's private key encrypted to that device's DeviceEncryptionKey (JWE, RFC 7516; only
 * that device can read it, never the service). It is how a promoted device receives the key, how
 * the remaining administrators receive a rotated one, and how the service knows whom to tell of
 * connection requests.
 */
import { MeshError } from '../../../shared/errors';
import type { VerifiedDeviceProfile } from '../../../shared/profiles/device-profile';
import type { GeneralJwe } from '../../../shared/crypto/jwe-schema';
import type { PublicKeyJwk } from '../../../shared/crypto/public-key';
import {
  administratorEntry,
  isAdministrator,
  type AdministratorEntry,
  type VerifiedPersonalProfile,
} from '../../../shared/profiles/personal-profile';
import { keyUdfMatches } from '../../../shared/profiles/public-key-entry';
import { udfMatches } from '../../../shared/udf';
import { decryptWith, encryptFor } from '../crypto/jwe';
import { exportPrivateJwk, type MeshKeyPair } from '../crypto/keys';
import { base64urlDecode } from '../../../shared/encoding/base64url';
import { SECRET_NAMES } from '../keystore/key-store';
import type { DeviceContext } from './device-context';
import { writeAccountBinding } from './device-records';
import { loadOnlineSigningKey, onlineSigningKeyFrom, storeOnlineSigningKey } from './master-keys';

/** What a device may do for its account, as people say it. */
export const administrationRoles = ['administrator', 'member'] as const;
export type AdministrationRole = (typeof administrationRoles)[number];

/** INVALID_ARGUMENT unless `role` is one of the roles. */
export function checkRole(role: string): AdministrationRole {
  const found = administrationRoles.find((known) => known === role);
  if (found === undefined) {
    throw new MeshError('INVALID_ARGUMENT', `a role is administrator or member, not ${role}`, {
      field: 'role',
    });
  }
  return found;
}

/** The online signing key, encrypted to one device's DeviceEncryptionKey alone. */
export async function wrapOnlineKey(
  online: MeshKeyPair,
  encryptionKey: PublicKeyJwk,
): Promise<GeneralJwe> {
  const privateKey = base64urlDecode(exportPrivateJwk(online).d);
  try {
    return await encryptFor(privateKey, [encryptionKey]);
  } finally {
    privateKey.fill(0);
  }
}

/** The role `deviceUdf` has in `profile` (a profile made before roles: `fallback`). */
export function roleIn(
  profile: VerifiedPersonalProfile,
  deviceUdf: string,
  fallback: AdministrationRole = 'member',
): AdministrationRole {
  const listed = isAdministrator(profile, deviceUdf);
  if (listed === undefined) return fallback;
  return listed ? 'administrator' : 'member';
}

/** How the next version's Administrators list differs from the current one. */
export interface AdministratorsChange {
  /** The online key the entries carry (the current one, or the new one of a rotation). */
  readonly online: MeshKeyPair;
  /** This device: it administers (it signs), so it is listed if the list is new. */
  readonly self: string;
  /** The devices of the next version: entries for devices it does not list are dropped. */
  readonly devices: readonly VerifiedDeviceProfile[];
  readonly add?: readonly VerifiedDeviceProfile[];
  readonly drop?: readonly string[];
  /** Encrypt every entry again, to `online` (a rotation). */
  readonly rewrap?: boolean;
}

/** The Administrators list of the next version (see AdministratorsChange). */
export async function nextAdministrators(
  current: VerifiedPersonalProfile,
  change: AdministratorsChange,
): Promise<AdministratorEntry[]> {
  const deviceOf = (udf: string): VerifiedDeviceProfile | undefined =>
    change.devices.find((device) => sameUdf(device.identifier, udf));
  const dropped = (udf: string): boolean =>
    (change.drop ?? []).some((gone) => sameUdf(gone, udf)) || deviceOf(udf) === undefined;
  const wanted: string[] = (current.profile.Administrators ?? []).map((entry) => entry.Device);
  if (current.profile.Administrators === undefined) wanted.push(change.self);
  for (const device of change.add ?? []) wanted.push(device.identifier);
  const next: AdministratorEntry[] = [];
  for (const udf of wanted) {
    if (dropped(udf) || next.some((entry) => sameUdf(entry.Device, udf))) continue;
    const existing = administratorEntry(current, udf);
    if (existing !== undefined && change.rewrap !== true) {
      next.push(existing);
      continue;
    }
    const device = deviceOf(udf);
    if (device === undefined) continue;
    next.push({
      Device: device.identifier,
      OnlineKey: await wrapOnlineKey(
        change.online,
        device.profile.DeviceEncryptionKey.PublicParameters,
      ),
    });
  }
  return next;
}

/** INVALID_ARGUMENT (reason last-administrator) when a change would leave no administrator. */
export function refuseNoAdministrator(next: readonly AdministratorEntry[]): void {
  if (next.length === 0) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'the account must keep at least one administrator device',
      { reason: 'last-administrator', field: 'device' },
    );
  }
}

/**
 * Bring this device's role in line with a verified profile (docs/device-flows.md "Roles"): listed
 * as administrator, it takes the online signing key from its entry (or from `offered`, the same
 * key in a ConnectionResult) when the key it holds is not one the master profile lists; not
 * listed, it forgets the online key it holds. A profile without an Administrators list changes
 * nothing. UNTRUSTED_PROFILE when an entry holds a key the master profile does not list.
 */
export async function adoptRole(
  context: DeviceContext,
  profile: VerifiedPersonalProfile,
  offered?: GeneralJwe,
): Promise<void> {
  const binding = context.account();
  if (binding === undefined || !udfMatches(binding.profileUdf, profile.identifier)) return;
  const listed = isAdministrator(profile, binding.deviceUdf);
  if (listed === undefined) return;
  const onlineKeys = profile.master.profile.OnlineSignatureKeys;
  if (listed) {
    const held = await loadOnlineSigningKey(context.keyStore);
    const current = held !== undefined && onlineKeys.some((key) => keyUdfMatches(key, held.udf));
    held?.wipe();
    if (!current) {
      const entry = offered ?? administratorEntry(profile, binding.deviceUdf)?.OnlineKey;
      if (entry === undefined) return;
      const keys = await context.ensureDeviceKeys();
      const privateKey = await decryptWith(entry, keys.encrypt);
      let online: MeshKeyPair;
      try {
        online = onlineSigningKeyFrom(privateKey);
      } finally {
        privateKey.fill(0);
      }
      try {
        if (!onlineKeys.some((key) => keyUdfMatches(key, online.udf))) {
          throw new MeshError(
            'UNTRUSTED_PROFILE',
            'the administration key given to this device is not an online signing key of the account',
            { field: 'Administrators.OnlineKey' },
          );
        }
        await storeOnlineSigningKey(context.keyStore, online);
      } finally {
        online.wipe();
      }
      context.resetAdministrationKey();
    }
    if (binding.role !== 'administrator') {
      writeAccountBinding(context.store, { ...binding, role: 'administrator' });
    }
    return;
  }
  await context.keyStore.delete(SECRET_NAMES.onlineSigningSeed);
  context.resetAdministrationKey();
  if (binding.role !== 'device') writeAccountBinding(context.store, { ...binding, role: 'device' });
}

function sameUdf(a: string, b: string): boolean {
  try {
    return udfMatches(a, b);
  } catch {
    return false;
  }
}
