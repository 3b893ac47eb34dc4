/**
 * Recover an account on a fresh device home from escrow shares (docs/architecture.md section 7,
 * "Escrow and recover"; draft-hallambaker-mathematical-mesh-protocols-00 "key recovery"): rebuild
 * the master seed from any k shares, regenerate the master keys, check that the master signing
 * key's UDF is the one of the account's published (and log-proven) master profile, then join this
 * device to the profile as an administrator: its device profile is added in a new personal profile
 * version signed with the regenerated online signing key (or, when the profile no longer lists that
 * key, a fresh one: a rotation), listed among the Administrators, and the master seed and online
 * key are kept in this home's KeyStore: a full administrator (docs/device-flows.md "Roles").
 */
import { hostname } from 'node:os';
import { MeshError } from '../../../shared/errors';
import { keyUdfMatches } from '../../../shared/profiles/public-key-entry';
import { verifyJws } from '../../../shared/crypto/jws';
import { verifyMasterProfile } from '../../../shared/profiles/master-profile';
import { udfMatches } from '../../../shared/udf';
import { parseAccountAddress } from '../protocol/account-address';
import { recoverSecret } from '../crypto/escrow-shares';
import { deviceNameOrDefault } from '../profile/create-account';
import type { DeviceContext } from '../session/device-context';
import {
  announceConnected,
  bindAdministrator,
  type AdministeredAccount,
} from '../profile/administrator-binding';
import { readConnectionRequest } from '../session/device-records';
import { fetchPersonalProfile } from '../profile/fetch-personal-profile';
import {
  deriveMasterKeys,
  forgetMasterSecrets,
  newOnlineSigningKey,
  storeMasterSecrets,
  wipeMasterKeys,
} from '../profile/master-keys';
import {
  signDeviceProfile,
  signPersonalProfile,
  signRotatedMasterProfile,
} from '../profile/profile-signing';
import { nextAdministrators } from '../profile/administration';
import type { MeshKeyPair } from '../crypto/keys';
import { verifyDeviceProfile } from '../../../shared/profiles/device-profile';

/** What to recover. */
export interface RecoverOptions {
  /** `local@service` of the account. */
  readonly address: string;
  /** At least `threshold` of the shares made by createEscrowShares, in any order. */
  readonly shares: readonly string[];
  /** This device's name in the profile (default: the host name). */
  readonly deviceName?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The recovered account. */
export type RecoveredAccount = AdministeredAccount;

/**
 * Recover `options.address` from shares onto this (fresh) home (module comment). INVALID_SHARE
 * when the shares are too few, mistyped, from different splits, or rebuild a seed that is not
 * this account's; ALREADY_EXISTS when this home belongs to an account already.
 */
export function recoverAccount(
  context: DeviceContext,
  options: RecoverOptions,
): Promise<RecoveredAccount> {
  // Under the home's lock (docs/local-store.md "Sharing a home"): two processes never set up one
  // home at once, and the second finds what the first did.
  return context.exclusive(
    () => recoverAccountExclusively(context, options),
    'home',
    options.signal,
  );
}

async function recoverAccountExclusively(
  context: DeviceContext,
  options: RecoverOptions,
): Promise<RecoveredAccount> {
  const address = parseAccountAddress(options.address);
  const deviceName = deviceNameOrDefault(options.deviceName ?? `${hostname()} (recovered)`);
  const binding = context.account();
  if (binding !== undefined || readConnectionRequest(context.store) !== undefined) {
    throw new MeshError(
      'ALREADY_EXISTS',
      'recover onto a fresh device home: this one already belongs to, or has asked to join, an account',
      { field: 'home' },
    );
  }
  const progress = (done: number, step: string): void =>
    context.events.emit('progress', { operation: 'recover', step, done, total: 4 });

  progress(0, 'Rebuilding the master seed from the shares');
  const seed = await recoverSecret([...options.shares]);
  const master = deriveMasterKeys(seed);
  let online: MeshKeyPair | undefined;
  try {
    progress(1, `Checking the master profile of ${address.text}`);
    const current = await fetchPersonalProfile(context, address, { signal: options.signal });
    if (!udfMatches(current.identifier, master.sign.udf)) {
      throw new MeshError(
        'INVALID_SHARE',
        `the shares rebuild the master key ${master.sign.udf}, but ${address.text} belongs to the master profile ${current.identifier}: they are another account's shares, or come from different splits`,
        { field: 'shares' },
      );
    }

    progress(2, 'Adding this device as an administrator');
    const now = context.now();
    const device = await context.ensureDeviceKeys();
    const signedDevice = await signDeviceProfile(device, deviceName, now);
    const masterProfile = current.master.profile;
    // The regenerated online key signs the new version if the profile still lists it. If not, it
    // was rotated away (a demoted administrator may hold it): never list it again, rotate to a
    // fresh key instead, and hand that to every administrator (docs/device-flows.md "Roles").
    const derivedListed = masterProfile.OnlineSignatureKeys.some((key) =>
      keyUdfMatches(key, master.online.udf),
    );
    online = derivedListed ? undefined : newOnlineSigningKey();
    const signingKey = online ?? master.online;
    const signedMaster =
      online === undefined
        ? current.profile.SignedMasterProfile
        : await signRotatedMasterProfile(masterProfile, master.sign, online, now);
    await verifyMasterProfile(signedMaster, verifyJws);
    const self = await verifyDeviceProfile(signedDevice, verifyJws);
    const devices = [...current.devices.filter((d) => !udfMatches(d.identifier, device.udf)), self];
    const next = await signPersonalProfile({
      masterUdf: current.identifier,
      content: {
        SignedMasterProfile: signedMaster,
        Devices: devices.map((d) => d.signed),
        Applications: current.profile.Applications,
        // A full administrator: listed, with the key; with a rotation every entry gets the new one.
        Administrators: await nextAdministrators(current, {
          online: signingKey,
          self: device.udf,
          devices,
          add: [self],
          rewrap: online !== undefined,
        }),
      },
      online: signingKey,
      now,
      previousUpdated: current.updated,
      base: current.profile,
    });
    await storeMasterSecrets(context.keyStore, seed, signingKey);
    try {
      progress(3, 'Publishing the personal profile');
      const client = await context.serviceClient(address);
      await client.call(
        'Publish',
        { Profile: next.signed, ExpectedVersion: current.version },
        { signal: options.signal },
      );
    } catch (error) {
      await forgetMasterSecrets(context.keyStore);
      throw error;
    }
    context.cachePersonalProfile(next);
    const account = bindAdministrator(context, address, {
      profileUdf: current.identifier,
      deviceUdf: device.udf,
      deviceName,
    });
    progress(4, 'Done');
    announceConnected(context, account);
    return account;
  } finally {
    seed.fill(0);
    wipeMasterKeys(master);
    online?.wipe();
  }
}
