/**
 * `device.devices` (docs/core-api.md): the devices of the account, renaming this one, removing
 * one, changing one's role (docs/device-flows.md "Roles").
 */
import { listDevices } from '../device/list-devices';
import { removeDevice } from '../device/remove-device';
import { renameDevice } from '../device/rename-device';
import { setDeviceRole } from '../device/set-role';
import { type ApiGroup, type DeviceCore, orNull } from './group';

export function devicesApi(core: DeviceCore): ApiGroup<'devices'> {
  const { context } = core;
  return {
    async list(request = {}, options = {}) {
      const devices = await listDevices(context, {
        offline: request.offline ?? false,
        signal: options.signal,
      });
      return devices.map((device) => ({
        udf: device.udf,
        name: device.name,
        thisDevice: device.thisDevice,
        updated: orNull(device.updated),
        role: device.role,
      }));
    },

    async rename(request, options = {}) {
      const renamed = await renameDevice(context, request, options);
      const role = context.account()?.role === 'administrator' ? 'administrator' : 'member';
      return {
        udf: renamed.udf,
        name: renamed.name,
        thisDevice: true,
        updated: renamed.updated,
        role,
      };
    },

    async remove(request, options = {}) {
      const removed = await removeDevice(context, request.udf, options);
      return { udf: removed.udf, name: removed.name };
    },

    async setRole(request, options = {}) {
      const change = await setDeviceRole(context, request.udf, request.role, options);
      return { ...change };
    },
  };
}
