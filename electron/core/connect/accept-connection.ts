/**
 * Accept a pending connection request (docs/architecture.md section 7, "Connect a device"): publish
 * the personal profile with the new device added (signed with the online signing key), let the
 * hooks wrap application keys for it, then post the signed Accepted result with ConnectComplete -
 * in that order, since the service accepts the result only once the profile lists the device.
 * The administrator chooses the new device's role (docs/device-flows.md "Roles"; default member):
 * an administrator is listed in the profile's Administrators with the online signing key
 * encrypted to it, and the ConnectionResult carries the same encrypted key (OnlineKey).
 */
import { isMeshError, MeshError } from '../../../shared/errors';
import { findDevice, isAdministrator } from '../../../shared/profiles/personal-profile';
import { udfMatches } from '../../../shared/udf';
import { checkRole, nextAdministrators, type AdministrationRole } from '../profile/administration';
import { postConnectionResult } from './connection-result';
import type { DeviceContext } from '../session/device-context';
import type { DeviceChangeHook } from '../session/device-hooks';
import { deleteIssuedPin } from '../session/device-records';
import {
  listPendingConnections,
  selectPendingConnection,
  type PendingConnection,
} from './pending-connections';
import {
  contentOf,
  requireAdministration,
  updatePersonalProfile,
} from '../profile/update-personal-profile';

/** What was accepted. */
export interface AcceptedConnection {
  readonly deviceUdf: string;
  readonly deviceName: string;
  readonly witness: string;
  readonly pinVerified: boolean;
  /** UDF of the master profile the device joined. */
  readonly profileUdf: string;
  /** The role it was given. */
  readonly role: AdministrationRole;
}

/** How to accept. */
export interface AcceptOptions {
  readonly signal?: AbortSignal | undefined;
  /** The new device's role: administrator or member (default; anything else INVALID_ARGUMENT). */
  readonly role?: string | undefined;
}

/**
 * Run `hook` after a profile adding a device is published and before the result is posted (the
 * catalog layer wraps application keys for the new device here). Returns the remover.
 */
export function onDeviceAdded(context: DeviceContext, hook: DeviceChangeHook): () => void {
  return context.hooks.deviceAdded.add(hook);
}

/**
 * Accept the pending request `selector` names (its ID, device UDF or witness; see
 * selectPendingConnection). UNAUTHORIZED on a device that does not administer the account.
 */
export async function acceptConnection(
  context: DeviceContext,
  selector: string,
  options: AcceptOptions = {},
): Promise<AcceptedConnection> {
  await requireAdministration(context, options);
  const { pending } = await listPendingConnections(context, options);
  return acceptPending(context, selectPendingConnection(pending, selector), options);
}

/** Accept one verified pending request (from listPendingConnections). */
export async function acceptPending(
  context: DeviceContext,
  pending: PendingConnection,
  options: AcceptOptions = {},
): Promise<AcceptedConnection> {
  const role = checkRole(options.role ?? 'member');
  const binding = context.requireAccount();
  const progress = (done: number, step: string): void =>
    context.events.emit('progress', { operation: 'accept-connection', step, done, total: 3 });
  progress(0, `Adding ${pending.deviceName} to the personal profile`);
  const device = pending.request.device;
  const { previous, profile } = await updatePersonalProfile(
    context,
    async (current) => {
      // Listed already: an earlier accept (this device's, another administrator's, or the
      // watcher's for a PIN) published the profile; only the role may still need to change.
      const listed = findDevice(current, device.identifier);
      if (listed !== undefined) {
        if (role !== 'administrator' || isAdministrator(current, listed.identifier) === true) {
          return undefined;
        }
        return {
          ...contentOf(current.profile),
          Administrators: await nextAdministrators(current, {
            online: await context.administrationKey(),
            self: binding.deviceUdf,
            devices: current.devices,
            add: [listed],
          }),
        };
      }
      return {
        SignedMasterProfile: current.profile.SignedMasterProfile,
        Devices: [...current.profile.Devices, device.signed],
        Applications: current.profile.Applications,
        ...(role === 'administrator' && {
          Administrators: await nextAdministrators(current, {
            online: await context.administrationKey(),
            self: binding.deviceUdf,
            devices: [...current.devices, device],
            add: [device],
          }),
        }),
      };
    },
    options,
  );
  progress(1, 'Sharing the application keys with the new device');
  const added = findDevice(profile, device.identifier);
  if (added === undefined) {
    throw new MeshError('INTERNAL', 'the published profile does not list the accepted device');
  }
  // Also when nothing changed (a retried accept): hooks are idempotent (device-hooks.ts).
  await context.hooks.deviceAdded.run(context, {
    device: added,
    profile,
    previous,
    signal: options.signal,
  });
  progress(2, 'Posting the answer');
  const entry = profile.profile.Administrators?.find((candidate) =>
    udfMatches(candidate.Device, device.identifier),
  );
  try {
    await postConnectionResult(
      context,
      pending,
      'Accepted',
      profile,
      options.signal,
      entry?.OnlineKey,
    );
  } catch (error) {
    // Answered already, and the profile lists the device: it was accepted (a race with another
    // administrator or the watcher); a promotion made here reaches it through the profile.
    if (!isMeshError(error, 'CONFLICT')) throw error;
  }
  if (pending.pinId !== undefined) deleteIssuedPin(context.store, pending.pinId);
  progress(3, 'Done');
  return {
    deviceUdf: pending.deviceUdf,
    deviceName: pending.deviceName,
    witness: pending.witness,
    pinVerified: pending.pinVerified,
    profileUdf: profile.identifier,
    role: entry === undefined ? 'member' : 'administrator',
  };
}
