/**
 * The devices of the account (docs/architecture.md section 7, "Remove a device";
 * draft-hallambaker-mesh-reference-03 section 5.4.2 Devices): read from the personal profile,
 * fetched and proven through the log (or, offline, the cached verified version).
 */
import { udfMatches } from '../../../shared/udf';
import { roleIn, type AdministrationRole } from '../profile/administration';
import type { DeviceContext } from '../session/device-context';
import { refreshPersonalProfile } from '../profile/update-personal-profile';

/** One device of the account. */
export interface DeviceListing {
  readonly udf: string;
  readonly name: string;
  /** This is the device the context belongs to. */
  readonly thisDevice: boolean;
  /** When its device profile was signed, if it says. */
  readonly updated: string | undefined;
  /** administrator or member (docs/device-flows.md "Roles"). */
  readonly role: AdministrationRole;
}

/**
 * The devices the account's personal profile lists, in profile order. With `offline`, the cached
 * version is used without asking the service.
 */
export async function listDevices(
  context: DeviceContext,
  options: { offline?: boolean | undefined; signal?: AbortSignal | undefined } = {},
): Promise<DeviceListing[]> {
  const binding = context.requireAccount();
  const profile = options.offline
    ? await context.personalProfile()
    : await refreshPersonalProfile(context, options);
  return profile.devices.map((device) => {
    const thisDevice = udfMatches(device.identifier, binding.deviceUdf);
    // A profile made before roles: only this device's own binding says.
    const fallback = thisDevice && binding.role === 'administrator' ? 'administrator' : 'member';
    return {
      udf: device.identifier,
      name: device.profile.Description,
      thisDevice,
      updated: device.profile.Updated,
      role: roleIn(profile, device.identifier, fallback),
    };
  });
}
