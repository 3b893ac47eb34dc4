/**
 * Publish a new version of the account's personal profile (draft-hallambaker-mesh-reference-03
 * section 3.4, 7.9 Publish; docs/architecture.md sections 3 and 7): the one path by which an
 * administrator device changes the profile - adding or removing a device, adding an application
 * profile entry. The current version is fetched and proven first, so a change is never made over a
 * version this device has not seen, and it is published with that version as ExpectedVersion: when
 * another administrator published first (409), the new current version is fetched and the change
 * applied to it again (a merge), so no administrator's change is lost and the user never sees the
 * 409.
 */
import type {
  PersonalProfile,
  VerifiedPersonalProfile,
} from '../../../shared/profiles/personal-profile';
import { MeshError } from '../../../shared/errors';
import { STATUS } from '../../../shared/protocol/status-codes';
import type { MeshKeyPair } from '../crypto/keys';
import { serviceFailure } from '../protocol/service-errors';
import { sleep } from '../protocol/retry';
import { adoptRole } from './administration';
import type { DeviceContext } from '../session/device-context';
import { fetchPersonalProfile, type FetchedPersonalProfile } from './fetch-personal-profile';
import { signPersonalProfile, type PersonalProfileContent } from './profile-signing';

export type { PersonalProfileContent };

/** A change: from the current version to the content of the next; undefined: nothing to change. */
export type PersonalProfileChange = (
  current: VerifiedPersonalProfile,
) => PersonalProfileContent | undefined | Promise<PersonalProfileContent | undefined>;

/** How an update is made. */
export interface UpdateOptions {
  readonly signal?: AbortSignal | undefined;
  /** Sign with this key rather than the administration key (a rotation's new online key). */
  readonly signWith?: MeshKeyPair | undefined;
}

/** Most times a change is merged onto a newer version before giving up (CONFLICT). */
const MAX_MERGES = 16;

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
    Administrators: profile.Administrators,
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
  options: UpdateOptions = {},
): Promise<PersonalProfileUpdate> {
  // One update at a time per home (its `profile-update` lane): two at once would each start
  // from the same version.
  return context.homeState.inTurn('profile-update', () => publishUpdate(context, change, options));
}

async function publishUpdate(
  context: DeviceContext,
  change: PersonalProfileChange,
  options: UpdateOptions,
): Promise<PersonalProfileUpdate> {
  const binding = context.requireAccount();
  const client = await context.serviceClient(binding.address);
  for (let attempt = 1; ; attempt++) {
    const previous = await refreshPersonalProfile(context, options);
    const online = options.signWith ?? (await context.administrationKey());
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
    const answer = await client.exchange(
      'Publish',
      { Profile: profile.signed, ExpectedVersion: previous.version },
      { signal: options.signal },
    );
    if (answer.ok) {
      context.cachePersonalProfile(profile);
      return { previous, profile, changed: true };
    }
    if (answer.status !== STATUS.Conflict) {
      throw serviceFailure('Publish', answer.status, answer.description);
    }
    // Another administrator published first: merge onto its version (fetched again above).
    if (attempt >= MAX_MERGES) {
      throw new MeshError(
        'CONFLICT',
        `the personal profile kept changing under this update (${MAX_MERGES} attempts); try again`,
        { reason: 'profile-busy', attempts: attempt },
      );
    }
    await sleep(Math.floor(Math.random() * 20 * attempt), options.signal);
  }
}

/**
 * Fetch, prove and cache the current personal profile of this home's account (it must be the
 * same master profile, and the same version as or a successor of the cached one), and take up the
 * role it gives this device (administration.ts adoptRole).
 */
export async function refreshPersonalProfile(
  context: DeviceContext,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<FetchedPersonalProfile> {
  const binding = context.requireAccount();
  const held = await context.personalProfile();
  const current = await fetchPersonalProfile(context, binding.address, {
    signal: options.signal,
    expected: binding.profileUdf,
    previous: held,
  });
  if (current.signed.SignedData !== held.signed.SignedData) context.cachePersonalProfile(current);
  await adoptRole(context, current);
  return current;
}

/**
 * This device's online signing key, after bringing its role in line with the current profile (a
 * promoted device takes its key here, a demoted one loses it). UNAUTHORIZED, reason
 * not-administrator, on a member device.
 */
export async function requireAdministration(
  context: DeviceContext,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<MeshKeyPair> {
  await refreshPersonalProfile(context, options);
  return context.administrationKey();
}
