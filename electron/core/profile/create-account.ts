/**
 * Create a master profile and register an account (docs/architecture.md section 7, "Create";
 * draft-hallambaker-mathematical-mesh-protocols-00 "create profile";
 * draft-hallambaker-mesh-reference-03 section 7.7 CreateAccount, 7.9 Publish): generate the master
 * seed and the device seed, keep both in the KeyStore, derive the keys, sign the master, device and
 * personal profiles, bind the account name to the personal profile and publish it. This device
 * becomes the account's first administrator device.
 */
import { hostname } from 'node:os';
import { isMeshError, MeshError } from '../../../shared/errors';
import { SECRET_NAMES } from '../keystore/key-store';
import {
  findDevice,
  type VerifiedPersonalProfile,
} from '../../../shared/profiles/personal-profile';
import { udfMatches } from '../../../shared/udf';
import { parseAccountAddress, type AccountAddress } from '../protocol/account-address';
import { generateSeed } from '../crypto/keys';
import { wrapOnlineKey } from './administration';
import type { DeviceContext } from '../session/device-context';
import {
  announceConnected,
  bindAdministrator,
  type AdministeredAccount,
} from './administrator-binding';
import { readConnectionRequest } from '../session/device-records';
import {
  deriveMasterKeys,
  forgetMasterSecrets,
  storeMasterSecrets,
  wipeMasterKeys,
} from './master-keys';
import { fetchPersonalProfile } from './fetch-personal-profile';
import { signDeviceProfile, signMasterProfile, signPersonalProfile } from './profile-signing';

/** What to create. */
export interface CreateAccountOptions {
  /** `local@service`, e.g. `alice@example.com` or `alice@127.0.0.1:8080`. */
  readonly address: string;
  /** This device's name in the profile (default: the host name). */
  readonly deviceName?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The new account and the fingerprints to show (docs/architecture.md section 7). */
export type CreatedAccount = AdministeredAccount;

const OPERATION = 'create-account';
const STEPS = 4;

/** Longest device name accepted (the profile schema's limit for Description). */
export const MAX_DEVICE_NAME = 256;

/** The device name to use: the given one, trimmed, else this machine's host name. */
export function deviceNameOrDefault(name: string | undefined): string {
  const chosen = (name ?? hostname()).trim() || 'device';
  if (chosen.length > MAX_DEVICE_NAME) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `a device name is at most ${MAX_DEVICE_NAME} characters`,
      { field: 'deviceName' },
    );
  }
  return chosen;
}

/**
 * Create the master profile and register `options.address` for it (module comment). Throws
 * ALREADY_EXISTS when this home already belongs to an account or the name is taken, and the
 * protocol client's errors (NETWORK, UNAUTHORIZED, ...) otherwise. After a definite refusal the
 * home holds no master secret. When the answer to CreateAccount is lost (network, timeout, a
 * malformed answer) the master seed is kept, and running createAccount again resumes with it:
 * it finds the account registered to this very master profile and binds the home to it.
 */
export function createAccount(
  context: DeviceContext,
  options: CreateAccountOptions,
): Promise<CreatedAccount> {
  // Under the home's lock (docs/local-store.md "Sharing a home"): two processes never set up one
  // home at once, and the second finds what the first did.
  return context.exclusive(
    () => createAccountExclusively(context, options),
    'home',
    options.signal,
  );
}

async function createAccountExclusively(
  context: DeviceContext,
  options: CreateAccountOptions,
): Promise<CreatedAccount> {
  const address = parseAccountAddress(options.address);
  const deviceName = deviceNameOrDefault(options.deviceName);
  refuseIfInUse(context);
  const progress = (done: number, step: string): void =>
    context.events.emit('progress', { operation: OPERATION, step, done, total: STEPS });
  options.signal?.throwIfAborted();

  progress(0, 'Generating the master and device keys');
  const client = await context.serviceClient(address);
  const device = await context.ensureDeviceKeys();
  // A master seed without an account binding: an earlier attempt whose answer was lost.
  const earlier = await context.keyStore.get(SECRET_NAMES.masterSeed);
  const seed = earlier ?? generateSeed();
  const master = deriveMasterKeys(seed);
  try {
    const now = context.now();
    const signedDevice = await signDeviceProfile(device, deviceName, now);
    const signedMaster = await signMasterProfile(master, now);
    const personal = await signPersonalProfile({
      masterUdf: master.sign.udf,
      content: {
        SignedMasterProfile: signedMaster,
        Devices: [signedDevice],
        Applications: [],
        // The first administrator (docs/device-flows.md "Roles").
        Administrators: [
          {
            Device: device.udf,
            OnlineKey: await wrapOnlineKey(master.online, device.encrypt.publicJwk),
          },
        ],
      },
      online: master.online,
      now,
    });
    progress(1, 'Keeping the master seed in the key store');
    if (earlier === undefined) await storeMasterSecrets(context.keyStore, seed, master.online);

    progress(2, `Registering ${address.text}`);
    let registered: VerifiedPersonalProfile = personal;
    try {
      const signer = await context.requestSigner(address.account);
      await client.call(
        'CreateAccount',
        { Account: address.account, Profile: personal.signed },
        { signer, signal: options.signal },
      );
    } catch (error) {
      registered = await settleRefusedRegistration(context, address, personal, error, options);
    }
    const listed = findDevice(registered, device.udf);
    if (listed === undefined) {
      throw new MeshError(
        'UNTRUSTED_PROFILE',
        'the account registered to this master profile does not list this device',
        { field: 'Profile.Devices' },
      );
    }
    // From here the service holds the account for this master profile: bind the home first.
    context.cachePersonalProfile(registered);
    const account = bindAdministrator(context, address, {
      profileUdf: registered.identifier,
      deviceUdf: device.udf,
      deviceName: listed.profile.Description,
    });

    progress(3, 'Publishing the personal profile');
    await client.call('Publish', { Profile: registered.signed }, { signal: options.signal });
    // Read it back through the log, so what the home holds is what the service serves.
    const published = await fetchPersonalProfile(context, address, {
      signal: options.signal,
      expected: registered.identifier,
      previous: registered,
    });
    if (published.signed.SignedData !== registered.signed.SignedData) {
      context.cachePersonalProfile(published);
    }
    progress(STEPS, 'Done');
    announceConnected(context, account);
    return account;
  } finally {
    seed.fill(0);
    wipeMasterKeys(master);
  }
}

/** Failures after which the request may or may not have reached the service. */
const AMBIGUOUS: ReadonlySet<string> = new Set([
  'NETWORK',
  'TIMEOUT',
  'CANCELLED',
  'SERVICE_ERROR',
  'OVERLOADED',
]);

/**
 * CreateAccount failed: when the name is taken by this very master profile (an earlier attempt
 * got through), return the registered profile; when the outcome is unknown, keep the master
 * seed for a retry and rethrow; otherwise forget the master secrets and throw.
 */
async function settleRefusedRegistration(
  context: DeviceContext,
  address: AccountAddress,
  personal: VerifiedPersonalProfile,
  error: unknown,
  options: CreateAccountOptions,
): Promise<VerifiedPersonalProfile> {
  if (!isMeshError(error)) throw error;
  if (AMBIGUOUS.has(error.code)) {
    throw new MeshError(
      error.code,
      `${error.message} - the account may or may not have been created: run the same command again to finish (this device keeps the master seed until then)`,
      error.details,
      { cause: error },
    );
  }
  if (error.code === 'ALREADY_EXISTS') {
    const current = await fetchPersonalProfile(context, address, { signal: options.signal });
    if (udfMatches(current.identifier, personal.identifier)) return current;
    await forgetMasterSecrets(context.keyStore);
    throw new MeshError(
      'ALREADY_EXISTS',
      `the account name ${address.account} is taken at ${address.text.slice(address.account.length + 1)}`,
      { field: 'account' },
      { cause: error },
    );
  }
  await forgetMasterSecrets(context.keyStore);
  throw error;
}

function refuseIfInUse(context: DeviceContext): void {
  const binding = context.account();
  if (binding !== undefined) {
    throw new MeshError(
      'ALREADY_EXISTS',
      `this device home already belongs to ${binding.address}`,
      { field: 'home', reason: 'connected', address: binding.address },
    );
  }
  if (readConnectionRequest(context.store) !== undefined) {
    throw new MeshError('ALREADY_EXISTS', 'this device home is waiting to join an account', {
      field: 'home',
      reason: 'requested',
    });
  }
}
