/**
 * Rename this device: sign its device profile again with the new Description (only the device
 * itself can, with its signature key: draft-hallambaker-mesh-schema §5.2.2) and publish a
 * personal profile listing that version (an administrator device does; `updatePersonalProfile`).
 */
import { MeshError } from '../../../shared/errors';
import { udfMatches } from '../../../shared/udf';
import { deviceNameOrDefault } from './create-account';
import type { DeviceContext } from './device-context';
import { readAccountBinding, writeAccountBinding } from './device-records';
import { signDeviceProfile } from './profile-signing';
import { contentOf, updatePersonalProfile } from './update-personal-profile';

/** The device renamed. */
export interface RenamedDevice {
  readonly udf: string;
  readonly name: string;
  readonly updated: string;
}

/**
 * Give this device the name `name` in the account's personal profile. `udf`, when given, must
 * name this device (UNAUTHORIZED, reason `other-device`, otherwise: another device's profile is
 * signed by that device); UNAUTHORIZED, reason `not-administrator`, on a device that cannot
 * publish the profile.
 */
export async function renameDevice(
  context: DeviceContext,
  request: { readonly udf?: string | undefined; readonly name: string },
  options: { signal?: AbortSignal | undefined } = {},
): Promise<RenamedDevice> {
  const binding = context.requireAccount();
  if (request.udf !== undefined && !udfMatches(request.udf, binding.deviceUdf)) {
    throw new MeshError(
      'UNAUTHORIZED',
      'only a device can sign its own device profile: rename a device on that device',
      { reason: 'other-device', field: 'udf' },
    );
  }
  const name = deviceNameOrDefault(request.name);
  const keys = await context.deviceKeys();
  if (keys === undefined) {
    throw new MeshError('NOT_CONNECTED', 'this device home has no device keys yet');
  }
  const signed = await signDeviceProfile(keys, name, context.now());
  await updatePersonalProfile(
    context,
    (current) => {
      const content = contentOf(current.profile);
      let found = false;
      const devices = content.Devices.map((device) => {
        if (!udfMatches(device.Identifier, binding.deviceUdf)) return device;
        found = true;
        return signed;
      });
      if (!found) {
        throw new MeshError('NOT_FOUND', 'the personal profile does not list this device', {
          reason: 'device-removed',
        });
      }
      return { ...content, Devices: devices };
    },
    options,
  );
  const current = readAccountBinding(context.store);
  if (current !== undefined) writeAccountBinding(context.store, { ...current, deviceName: name });
  return { udf: binding.deviceUdf, name, updated: new Date(context.now()).toISOString() };
}
