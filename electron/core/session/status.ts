/**
 * Where this device stands (docs/architecture.md section 7, `mesh account status`; section 7): the
 * account, the master profile UDF, this device's UDF and role, the service, the last sync, and -
 * when it asks the service - whether the current personal profile still lists this device.
 */
import { isMeshError } from '../../../shared/errors';
import { findDevice } from '../../../shared/profiles/personal-profile';
import { parseAccountAddress } from '../protocol/account-address';
import type { DeviceContext } from './device-context';
import type { ConnectionState } from './device-events';
import {
  readConnectionRequest,
  viewOf,
  type ConnectionRequestView,
  type DeviceRole,
} from './device-records';
import { serviceLog } from '../profile/fetch-personal-profile';
import { refreshPersonalProfile } from '../profile/update-personal-profile';

/** The state of this device and its account. */
export interface DeviceStatus {
  readonly state: ConnectionState;
  readonly address?: string;
  /** The service part of the address (`host[:port]`). */
  readonly service?: string;
  readonly profileUdf?: string;
  readonly deviceUdf?: string;
  readonly deviceName?: string;
  readonly role?: DeviceRole;
  /** Devices in the personal profile this device holds. */
  readonly devices?: number;
  /** When the profile version this device holds was made. */
  readonly profileUpdated?: string;
  /** When any container last synchronised (RFC 3339), if ever. */
  readonly lastSync?: string;
  /** Entries in the last log checkpoint this device verified. */
  readonly checkpointSize?: number;
  /** The service was asked (refresh) and answered. */
  readonly online: boolean;
  /** The request this device awaits an answer to, if any. */
  readonly request?: ConnectionRequestView;
}

/**
 * The status of this device. With `refresh`, the personal profile is fetched and proven first
 * (state `removed` when it no longer lists this device); a service that cannot be reached leaves
 * `online` false and reports the cached state. Verification failures are thrown, never hidden.
 */
export async function deviceStatus(
  context: DeviceContext,
  options: { refresh?: boolean | undefined; signal?: AbortSignal | undefined } = {},
): Promise<DeviceStatus> {
  const binding = context.account();
  if (binding === undefined) {
    const request = readConnectionRequest(context.store);
    if (request === undefined) return { state: 'unconnected', online: false };
    return {
      state: 'requested',
      address: request.address,
      service: serviceOf(request.address),
      profileUdf: request.profileUdf,
      deviceUdf: request.deviceUdf,
      deviceName: request.deviceName,
      online: false,
      request: viewOf(request),
    };
  }
  let profile = await context.personalProfile();
  let online = false;
  if (options.refresh) {
    try {
      profile = await refreshPersonalProfile(context, options);
      online = true;
    } catch (error) {
      if (!isMeshError(error) || !['NETWORK', 'TIMEOUT', 'OVERLOADED'].includes(error.code)) {
        throw error;
      }
    }
  }
  const listed = findDevice(profile, binding.deviceUdf) !== undefined;
  if (!listed && online) {
    context.events.emit('connection-state', {
      state: 'removed',
      account: binding.address,
      deviceUdf: binding.deviceUdf,
    });
  }
  const syncTimes = context.store.listSyncPositions().map((position) => position.updated);
  const service = serviceOf(binding.address);
  const checkpoint = serviceLog(context, parseAccountAddress(binding.address)).checkpoint;
  return {
    state: listed ? 'connected' : 'removed',
    address: binding.address,
    service,
    profileUdf: binding.profileUdf,
    deviceUdf: binding.deviceUdf,
    deviceName: binding.deviceName,
    role: binding.role,
    devices: profile.devices.length,
    profileUpdated: profile.profile.Updated,
    ...(syncTimes.length > 0 && { lastSync: syncTimes.sort().at(-1) }),
    ...(checkpoint !== undefined && { checkpointSize: checkpoint.TreeSize }),
    online,
  };
}

function serviceOf(address: string): string {
  const text = parseAccountAddress(address).text;
  return text.slice(text.lastIndexOf('@') + 1);
}
