/**
 * Refuse a pending connection request (docs/architecture.md section 7;
 * draft-hallambaker-mesh-reference-03 section 6.1.3 Result "Refused"): the profile is not changed;
 * a signed Refused result is posted so the requesting device learns the answer at once instead of
 * waiting for its request to lapse.
 */
import { postConnectionResult } from './connection-result';
import type { DeviceContext } from '../session/device-context';
import { listPendingConnections, selectPendingConnection } from './pending-connections';
import { refreshPersonalProfile, requireAdministration } from '../profile/update-personal-profile';

/** What was refused. */
export interface RejectedConnection {
  readonly deviceUdf: string;
  readonly deviceName: string;
  readonly witness: string;
}

/**
 * Refuse the pending request `selector` names (its ID, device UDF or witness). UNAUTHORIZED on a
 * device that does not administer the account.
 */
export async function rejectConnection(
  context: DeviceContext,
  selector: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<RejectedConnection> {
  await requireAdministration(context, options);
  const { pending } = await listPendingConnections(context, options);
  const chosen = selectPendingConnection(pending, selector);
  const profile = await refreshPersonalProfile(context, options);
  await postConnectionResult(context, chosen, 'Refused', profile, options.signal);
  return { deviceUdf: chosen.deviceUdf, deviceName: chosen.deviceName, witness: chosen.witness };
}
