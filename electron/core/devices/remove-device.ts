/**
 * Remove a device from the account (docs/architecture.md section 7, "Remove a device";
 * draft-hallambaker-mathematical-mesh-protocols-00 "delete device"): publish a personal profile
 * without it, signed with the online signing key. From then on the service refuses its requests
 * (401: it authenticates only devices the current profile lists), and the deviceRemoved hooks - the
 * catalog layer's - rotate and re-wrap application keys so it cannot read new entries. Removing an
 * administrator device also rotates the online signing key it holds (set-role.ts
 * updateWithRotation; needs the master key), so it can sign nothing more.
 */
import { MeshError } from '../../../shared/errors';
import type { VerifiedDeviceProfile } from '../../../shared/profiles/device-profile';
import { udfMatches } from '../../../shared/udf';
import {
  isAdministrator,
  type VerifiedPersonalProfile,
} from '../../../shared/profiles/personal-profile';
import type { MeshKeyPair } from '../crypto/keys';
import { nextAdministrators, refuseNoAdministrator } from '../profile/administration';
import type { DeviceContext } from '../session/device-context';
import type { DeviceChangeHook } from '../session/device-hooks';
import { updateWithRotation } from '../profile/rotation';
import {
  requireAdministration,
  updatePersonalProfile,
  type PersonalProfileUpdate,
} from '../profile/update-personal-profile';

/** What was removed. */
export interface RemovedDevice {
  readonly udf: string;
  readonly name: string;
}

/**
 * Run `hook` after a profile without a device is published (the catalog layer rotates and
 * re-wraps application keys here). Returns the remover.
 */
export function onDeviceRemoved(context: DeviceContext, hook: DeviceChangeHook): () => void {
  return context.hooks.deviceRemoved.add(hook);
}

/**
 * Remove the device `udf` names (its UDF at any precision, or an unambiguous prefix of at least
 * four characters). NOT_FOUND when the profile lists no such device; INVALID_ARGUMENT for this
 * device itself; UNAUTHORIZED on a device that does not administer the account.
 */
export async function removeDevice(
  context: DeviceContext,
  udf: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<RemovedDevice> {
  const binding = context.requireAccount();
  await requireAdministration(context, options);
  let removed: VerifiedDeviceProfile | undefined;
  const without = async (
    current: VerifiedPersonalProfile,
    online: MeshKeyPair,
    rewrap: boolean,
  ) => {
    removed = selectDevice(current.devices, udf);
    if (udfMatches(removed.identifier, binding.deviceUdf)) {
      throw new MeshError(
        'INVALID_ARGUMENT',
        'this device cannot remove itself: remove it from another administrator device',
        { field: 'device', reason: 'this-device' },
      );
    }
    const gone = removed.identifier;
    const devices = current.devices.filter((d) => d.identifier !== gone);
    const administrators =
      current.profile.Administrators === undefined && !rewrap
        ? undefined
        : await nextAdministrators(current, {
            online,
            self: binding.deviceUdf,
            devices,
            drop: [gone],
            rewrap,
          });
    if (administrators !== undefined) refuseNoAdministrator(administrators);
    return {
      SignedMasterProfile: current.profile.SignedMasterProfile,
      Devices: devices.map((d) => d.signed),
      Applications: current.profile.Applications,
      ...(administrators !== undefined && { Administrators: administrators }),
    };
  };
  // An administrator holds the online key: removing it rotates the key.
  const target = selectDevice((await context.personalProfile()).devices, udf);
  const administrator = isAdministrator(await context.personalProfile(), target.identifier);
  const { previous, profile }: PersonalProfileUpdate =
    administrator === true && !udfMatches(target.identifier, binding.deviceUdf)
      ? await updateWithRotation(
          context,
          (current, online) => without(current, online, true),
          options,
        )
      : await updatePersonalProfile(
          context,
          async (current) => without(current, await context.administrationKey(), false),
          options,
        );
  if (removed === undefined) throw new MeshError('INTERNAL', 'no device was selected');
  await context.hooks.deviceRemoved.run(context, {
    device: removed,
    profile,
    previous,
    signal: options.signal,
  });
  return { udf: removed.identifier, name: removed.profile.Description };
}

/** The device `selector` names among `devices` (see removeDevice). */
export function selectDevice(
  devices: readonly VerifiedDeviceProfile[],
  selector: string,
): VerifiedDeviceProfile {
  const wanted = selector.replace(/[-\s]/g, '').toUpperCase();
  if (wanted.length < 4) {
    throw new MeshError('INVALID_ARGUMENT', 'name a device by its UDF (at least 4 characters)', {
      field: 'device',
    });
  }
  const matches = devices.filter((device) => {
    const udf = device.identifier.replace(/-/g, '').toUpperCase();
    // A prefix, or the same UDF at a higher precision.
    return udf.startsWith(wanted) || wanted.startsWith(udf);
  });
  if (matches.length === 0) {
    throw new MeshError('NOT_FOUND', `the account has no device ${selector}`, { field: 'device' });
  }
  if (matches.length > 1) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `${selector} matches ${matches.length} devices: give more of the UDF`,
      { field: 'device' },
    );
  }
  return matches[0]!;
}
