/**
 * `device.connect` (docs/core-api.md): a new device's request and its answer, and on an
 * administrator device the verified pending requests, accept, reject and one-time PINs.
 */
import { MeshError } from '../../../shared/errors';
import { acceptConnection } from './accept-connection';
import { acceptPinConnections, awaitPinConnection } from './accept-pin-connections';
import { completeConnection } from './complete-connection';
import { deleteConnectionRequest, readConnectionRequest } from '../session/device-records';
import { issuePin } from './issue-pin';
import { listPendingConnections } from './pending-connections';
import { rejectConnection } from './reject-connection';
import { requestConnection } from './request-connection';
import type { ApiGroup, DeviceCore } from '../session/api-group';

export function connectApi(core: DeviceCore): ApiGroup<'connect'> {
  const { context } = core;
  return {
    async request(request, options = {}) {
      const view = await requestConnection(context, {
        address: await core.address(request.address),
        deviceName: request.deviceName,
        pin: request.pin,
        signal: options.signal,
      });
      return { ...view };
    },

    async complete(request = {}, options = {}) {
      const outcome = await completeConnection(context, {
        waitSeconds: request.waitSeconds,
        signal: options.signal,
      });
      return { ...outcome };
    },

    async cancel() {
      if (context.account() !== undefined) {
        throw new MeshError('ALREADY_EXISTS', 'this device is connected to an account already', {
          reason: 'connected',
        });
      }
      const had = readConnectionRequest(context.store) !== undefined;
      if (had) {
        deleteConnectionRequest(context.store);
        context.events.emit('connection-state', {
          state: 'unconnected',
          account: undefined,
          deviceUdf: undefined,
        });
      }
      return { cancelled: had };
    },

    async pending(_request, options = {}) {
      const listed = await listPendingConnections(context, options);
      return {
        pending: listed.pending.map((request) => ({
          id: request.id,
          deviceUdf: request.deviceUdf,
          deviceName: request.deviceName,
          witness: request.witness,
          serviceWitnessAgrees: request.serviceWitnessAgrees,
          pinVerified: request.pinVerified,
          received: request.received,
          expires: request.expires,
        })),
        unverifiable: listed.unverifiable.map((item) => ({
          deviceId: item.deviceId,
          problem: item.problem,
        })),
      };
    },

    async accept(request, options = {}) {
      return {
        ...(await acceptConnection(context, request.selector, { ...options, role: request.role })),
      };
    },

    async acceptPins(_request, options = {}) {
      return (await acceptPinConnections(context, options)).map((accepted) => ({ ...accepted }));
    },

    async awaitPin(request, options = {}) {
      return {
        ...(await awaitPinConnection(context, request.pinId, {
          timeoutSeconds: request.timeoutSeconds,
          signal: options.signal,
        })),
      };
    },

    async reject(request, options = {}) {
      return { ...(await rejectConnection(context, request.selector, options)) };
    },

    async issuePin(request = {}, options = {}) {
      const issued = await issuePin(context, {
        ...(request.expiresInSeconds !== undefined && {
          expiresInMs: request.expiresInSeconds * 1000,
        }),
        signal: options.signal,
      });
      return { pin: issued.pin, uri: issued.uri, pinId: issued.pinId, expires: issued.expires };
    },
  };
}
