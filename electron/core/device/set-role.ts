/**
 * Change a device's role (docs/device-flows.md "Roles"). Promote: publish a profile whose
 * Administrators list names the device, with the online signing key encrypted to it; the device
 * takes the key at its next look at the profile (administration.ts adoptRole). Demote: the
 * demoted device still holds the online key, so the key is rotated - a new master profile lists a
 * fresh online key only (signed by the master signing key, the only key that may change
 * OnlineSignatureKeys: draft-hallambaker-mesh-reference-03 §5.3.2), the profile is signed with
 * it, and every remaining administrator gets it encrypted in its entry. Rotation needs the master
 * seed (UNAUTHORIZED, reason needs-master-key, on an administrator that holds only the online
 * key). A device may step down itself without a rotation (it deletes its own copy) as long as
 * another administrator remains; the last administrator is never removed (INVALID_ARGUMENT,
 * reason last-administrator).
 */
import { MeshError } from '../../../shared/errors';
import type { VerifiedDeviceProfile } from '../../../shared/profiles/device-profile';
import {
  isAdministrator,
  type VerifiedPersonalProfile,
} from '../../../shared/profiles/personal-profile';
import { udfMatches } from '../../../shared/udf';
import type { MeshKeyPair } from '../crypto/keys';
import {
  adoptRole,
  checkRole,
  nextAdministrators,
  refuseNoAdministrator,
  type AdministrationRole,
} from './administration';
import type { DeviceContext } from './device-context';
import { selectDevice } from './remove-device';
import { updateWithRotation } from './rotation';
import { contentOf, requireAdministration, updatePersonalProfile } from './update-personal-profile';

/** What changed. */
export interface RoleChange {
  readonly udf: string;
  readonly name: string;
  readonly role: AdministrationRole;
  /** False when the device had that role already. */
  readonly changed: boolean;
  /** The online signing key was replaced (a demotion by another device). */
  readonly rotated: boolean;
}

/**
 * Give the device `selector` names (UDF or a prefix, see selectDevice) the role `role`.
 * UNAUTHORIZED on a member device, or (needs-master-key) when a demotion needs the master key
 * this device does not hold; INVALID_ARGUMENT (last-administrator) when no administrator would
 * remain; NOT_FOUND when the profile lists no such device.
 */
export async function setDeviceRole(
  context: DeviceContext,
  selector: string,
  role: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<RoleChange> {
  const wanted = checkRole(role);
  const binding = context.requireAccount();
  await requireAdministration(context, options);
  const current = await context.personalProfile();
  const target = selectDevice(current.devices, selector);
  const self = udfMatches(target.identifier, binding.deviceUdf);
  const result = (changed: boolean, rotated = false): RoleChange => ({
    udf: target.identifier,
    name: target.profile.Description,
    role: wanted,
    changed,
    rotated,
  });

  if (wanted === 'administrator') {
    const update = await updatePersonalProfile(
      context,
      async (latest) => {
        const device = findListed(latest, target);
        if (isAdministrator(latest, device.identifier) === true) return undefined;
        return {
          ...contentOf(latest.profile),
          Administrators: await nextAdministrators(latest, {
            online: await context.administrationKey(),
            self: binding.deviceUdf,
            devices: latest.devices,
            add: [device],
          }),
        };
      },
      options,
    );
    return result(update.changed);
  }

  const dropTarget = async (
    latest: VerifiedPersonalProfile,
    online: MeshKeyPair,
    rewrap: boolean,
  ) => {
    const device = findListed(latest, target);
    if (isAdministrator(latest, device.identifier) !== true) return undefined;
    const administrators = await nextAdministrators(latest, {
      online,
      self: binding.deviceUdf,
      devices: latest.devices,
      drop: [device.identifier],
      rewrap,
    });
    refuseNoAdministrator(administrators);
    return { ...contentOf(latest.profile), Administrators: administrators };
  };

  if (self) {
    // Stepping down: this device gives its copy up; the key others hold stays valid.
    const update = await updatePersonalProfile(
      context,
      async (latest) => dropTarget(latest, await context.administrationKey(), false),
      options,
    );
    if (update.changed) await adoptRole(context, update.profile);
    return result(update.changed);
  }
  const update = await updateWithRotation(
    context,
    (latest, online) => dropTarget(latest, online, true),
    options,
  );
  return result(update.changed, update.changed);
}

/** `target` in `profile` (NOT_FOUND when a concurrent change removed it). */
function findListed(
  profile: VerifiedPersonalProfile,
  target: VerifiedDeviceProfile,
): VerifiedDeviceProfile {
  const device = profile.devices.find((d) => udfMatches(d.identifier, target.identifier));
  if (device === undefined) {
    throw new MeshError('NOT_FOUND', `the account has no device ${target.identifier}`, {
      field: 'device',
    });
  }
  return device;
}
