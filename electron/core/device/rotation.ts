/**
 * Rotating the online signing key (docs/device-flows.md "Roles"): when an administrator device is
 * demoted or removed it still holds the key, so a new master profile lists a fresh online key
 * only - signed by the master signing key, the only key that may change OnlineSignatureKeys
 * (draft-hallambaker-mesh-reference-03 §5.3.2) - and the remaining administrators receive the new
 * key encrypted in their Administrators entries.
 */
import { MeshError } from '../../../shared/errors';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import type { MeshKeyPair } from '../crypto/keys';
import type { DeviceContext } from './device-context';
import {
  loadMasterKeys,
  newOnlineSigningKey,
  storeOnlineSigningKey,
  wipeMasterKeys,
} from './master-keys';
import { signRotatedMasterProfile, type PersonalProfileContent } from './profile-signing';
import { updatePersonalProfile, type PersonalProfileUpdate } from './update-personal-profile';

/**
 * Publish a version made by `change` over a rotated online signing key (module comment): `change`
 * gets the current version and the new key and returns the content (its Administrators wrapped
 * to the new key); the master profile is re-signed here. The new key is kept once published.
 */
export async function updateWithRotation(
  context: DeviceContext,
  change: (
    current: VerifiedPersonalProfile,
    online: MeshKeyPair,
  ) => Promise<Omit<PersonalProfileContent, 'SignedMasterProfile'> | undefined>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<PersonalProfileUpdate> {
  const master = await loadMasterKeys(context.keyStore);
  if (master === undefined) {
    throw new MeshError(
      'UNAUTHORIZED',
      'demoting or removing an administrator device replaces the online signing key, which takes the master key: do it on the device that created or recovered the account',
      { reason: 'needs-master-key' },
    );
  }
  const online = newOnlineSigningKey();
  try {
    const update = await updatePersonalProfile(
      context,
      async (current) => {
        const content = await change(current, online);
        if (content === undefined) return undefined;
        return {
          ...content,
          SignedMasterProfile: await signRotatedMasterProfile(
            current.master.profile,
            master.sign,
            online,
            context.now(),
          ),
        };
      },
      { ...options, signWith: online },
    );
    if (update.changed) {
      await storeOnlineSigningKey(context.keyStore, online);
      context.resetAdministrationKey();
    }
    return update;
  } finally {
    online.wipe();
    wipeMasterKeys(master);
  }
}
