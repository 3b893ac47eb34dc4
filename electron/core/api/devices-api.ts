/**
 * `device.devices` (docs/core-api.md): the devices of the account, renaming this one, removing
 * one.
 */
import { listDevices } from '../device/list-devices';
import { removeDevice } from '../device/remove-device';
import { renameDevice } from '../device/rename-device';
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
      }));
    },

    async rename(request, options = {}) {
      const renamed = await renameDevice(context, request, options);
      return { udf: renamed.udf, name: renamed.name, thisDevice: true, updated: renamed.updated };
    },

    async remove(request, options = {}) {
      const removed = await removeDevice(context, request.udf, options);
      return { udf: removed.udf, name: removed.name };
    },
  };
}
