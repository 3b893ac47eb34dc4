/**
 * Which application key a device uses (docs/architecture.md section 3): the one kept in its local
 * store for the application's current container, else the one the personal profile wraps for it -
 * with its DeviceEncryptionKey, or, on a device that keeps the master seed (an administrator, or a
 * home recovered from escrow shares), with the master escrow key, to which every application key is
 * also wrapped (draft-hallambaker-mesh-reference-03 section 5.3.2: MasterEscrowKeys "enable escrow
 * of private keys used for stored data"). So recovery from escrow shares gets the catalogs back,
 * not only the profile.
 */
import type { PublicKeyJwk } from '../../../shared/crypto/public-key';
import { isMeshError, MeshError } from '../../../shared/errors';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import type { DeviceContext } from '../session/device-context';
import { loadMasterKeys, wipeMasterKeys } from '../profile/master-keys';
import type { CatalogApplication } from './application-entry';
import { listCatalogKeys, unwrapCatalogKey, type CatalogKey } from './application-key';

/** The devices and escrow keys an application key is wrapped for: every device of the profile. */
export function keyRecipients(profile: VerifiedPersonalProfile): {
  devices: string[];
  keys: PublicKeyJwk[];
} {
  return {
    devices: profile.devices.map((device) => device.identifier),
    keys: [
      ...profile.devices.map((device) => device.profile.DeviceEncryptionKey.PublicParameters),
      ...(profile.master.profile.MasterEscrowKeys ?? []).map((key) => key.PublicParameters),
    ],
  };
}

/**
 * The key of `application` for this device: kept, or unwrapped (module comment).
 * NOT_A_RECIPIENT when neither this device nor a master seed it keeps can unwrap it.
 */
export async function catalogKeyFor(
  context: DeviceContext,
  application: CatalogApplication,
): Promise<CatalogKey> {
  const kept = listCatalogKeys(context.store).find(
    (key) => key.container === application.Container && key.keyId === application.KeyID,
  );
  if (kept !== undefined) return kept;
  const device = await context.deviceKeys();
  if (device === undefined) {
    throw new MeshError('NOT_CONNECTED', 'this device home has no device keys yet');
  }
  try {
    return await unwrapCatalogKey(application, device.encrypt);
  } catch (error) {
    if (!isMeshError(error, 'NOT_A_RECIPIENT')) throw error;
    const master = await loadMasterKeys(context.keyStore);
    if (master === undefined) throw error;
    try {
      return await unwrapCatalogKey(application, master.escrow);
    } catch {
      throw error;
    } finally {
      wipeMasterKeys(master);
    }
  }
}
