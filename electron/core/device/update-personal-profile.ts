/**
 * Publish a new version of the account's personal profile (seed 001 3.4, 7.9 Publish; DESIGN.md
 * sections 3 and 7): the one path by which an administrator device changes the profile - adding
 * or removing a device, adding an application profile entry. The current version is fetched and
 * proven first, so a change is never made over a version this device has not seen.
 */
import type {
  PersonalProfile,
  VerifiedPersonalProfile,
} from '../../../shared/profiles/personal-profile';
import type { DeviceContext } from './device-context';
import { fetchPersonalProfile } from './fetch-personal-profile';
import { signPersonalProfile, type PersonalProfileContent } from './profile-signing';

export type { PersonalProfileContent };

/** A change: from the current version to the content of the next; undefined: nothing to change. */
export type PersonalProfileChange = (
  current: VerifiedPersonalProfile,
) => PersonalProfileContent | undefined | Promise<PersonalProfileContent | undefined>;

/** The version replaced and the version published (the same one when nothing changed). */
export interface PersonalProfileUpdate {
  readonly previous: VerifiedPersonalProfile;
  readonly profile: VerifiedPersonalProfile;
  readonly changed: boolean;
}

/** The content of a verified version, as a change starts from. */
export function contentOf(profile: PersonalProfile): PersonalProfileContent {
  return {
    SignedMasterProfile: profile.SignedMasterProfile,
    Devices: profile.Devices,
    Applications: profile.Applications,
  };
}

/**
 * Fetch and prove the current version, apply `change`, sign the result with this device's
 * administration key, publish it and cache it (nothing is published when `change` returns
 * undefined). UNAUTHORIZED when this device is not an
 * administrator (or the service refuses the version); the verification errors of
 * fetchPersonalProfile when the current version does not hold up. Updates through one context
 * run one after the other.
 */
export function updatePersonalProfile(
  context: DeviceContext,
  change: PersonalProfileChange,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<PersonalProfileUpdate> {
  // One update at a time per device: two at once would each start from the same version.
  const previousTurn = updatesInFlight.get(context) ?? Promise.resolve();
  const turn = previousTurn.then(() => publishUpdate(context, change, options));
  const settled = turn.then(
    () => undefined,
    () => undefined,
  );
  updatesInFlight.set(context, settled);
  void settled.then(() => {
    if (updatesInFlight.get(context) === settled) updatesInFlight.delete(context);
  });
  return turn;
}

const updatesInFlight = new WeakMap<DeviceContext, Promise<void>>();

async function publishUpdate(
  context: DeviceContext,
  change: PersonalProfileChange,
  options: { signal?: AbortSignal | undefined },
): Promise<PersonalProfileUpdate> {
  const binding = context.requireAccount();
  const online = await context.administrationKey();
  const previous = await refreshPersonalProfile(context, options);
  const content = await change(previous);
  if (content === undefined) return { previous, profile: previous, changed: false };
  options.signal?.throwIfAborted();
  const profile = await signPersonalProfile({
    masterUdf: previous.identifier,
    content,
    online,
    now: context.now(),
    previousUpdated: previous.updated,
    base: previous.profile,
  });
  const client = await context.serviceClient(binding.address);
  await client.call('Publish', { Profile: profile.signed }, { signal: options.signal });
  context.cachePersonalProfile(profile);
  return { previous, profile, changed: true };
}

/**
 * Fetch, prove and cache the current personal profile of this home's account (it must be the
 * same master profile, and the same version as or a successor of the cached one).
 */
export async function refreshPersonalProfile(
  context: DeviceContext,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<VerifiedPersonalProfile> {
  const binding = context.requireAccount();
  const held = await context.personalProfile();
  const current = await fetchPersonalProfile(context, binding.address, {
    signal: options.signal,
    expected: binding.profileUdf,
    previous: held,
  });
  if (current.signed.SignedData !== held.signed.SignedData) context.cachePersonalProfile(current);
  return current;
}
