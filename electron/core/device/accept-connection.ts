/**
 * Accept a pending connection request (DESIGN.md section 7, "Connect a device"): publish the
 * personal profile with the new device added (signed with the online signing key), let the hooks
 * wrap application keys for it, then post the signed Accepted result with ConnectComplete - in
 * that order, since the service accepts the result only once the profile lists the device.
 */
import { MeshError } from '../../../shared/errors';
import { findDevice } from '../../../shared/profiles/personal-profile';
import { postConnectionResult } from './connection-result';
import type { DeviceContext } from './device-context';
import type { DeviceChangeHook } from './device-hooks';
import { deleteIssuedPin } from './device-records';
import {
  listPendingConnections,
  selectPendingConnection,
  type PendingConnection,
} from './pending-connections';
import { updatePersonalProfile } from './update-personal-profile';

/** What was accepted. */
export interface AcceptedConnection {
  readonly deviceUdf: string;
  readonly deviceName: string;
  readonly witness: string;
  readonly pinVerified: boolean;
  /** UDF of the master profile the device joined. */
  readonly profileUdf: string;
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
  options: { signal?: AbortSignal | undefined } = {},
): Promise<AcceptedConnection> {
  await context.administrationKey();
  const { pending } = await listPendingConnections(context, options);
  return acceptPending(context, selectPendingConnection(pending, selector), options);
}

/** Accept one verified pending request (from listPendingConnections). */
export async function acceptPending(
  context: DeviceContext,
  pending: PendingConnection,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<AcceptedConnection> {
  const progress = (done: number, step: string): void =>
    context.events.emit('progress', { operation: 'accept-connection', step, done, total: 3 });
  progress(0, `Adding ${pending.deviceName} to the personal profile`);
  const device = pending.request.device;
  const { previous, profile } = await updatePersonalProfile(
    context,
    (current) => {
      // Listed already: an earlier accept published the profile but did not get to post the answer.
      if (findDevice(current, device.identifier) !== undefined) return undefined;
      return {
        SignedMasterProfile: current.profile.SignedMasterProfile,
        Devices: [...current.profile.Devices, device.signed],
        Applications: current.profile.Applications,
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
  await postConnectionResult(context, pending, 'Accepted', profile, options.signal);
  if (pending.pinId !== undefined) deleteIssuedPin(context.store, pending.pinId);
  progress(3, 'Done');
  return {
    deviceUdf: pending.deviceUdf,
    deviceName: pending.deviceName,
    witness: pending.witness,
    pinVerified: pending.pinVerified,
    profileUdf: profile.identifier,
  };
}
