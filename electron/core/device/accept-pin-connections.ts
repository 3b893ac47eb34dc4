/**
 * Approve the requests that prove a PIN this device issued (DESIGN.md section 7, "Connect with a
 * PIN or QR code": "a request that proves knowledge of the PIN is approved without the witness
 * comparison"). Only requests whose PinAdminProof checks here - under the administrator key that
 * never left this device, for a PIN not expired and not used - are approved; the service's
 * PinVerified flag alone is never enough.
 */
import type { AcceptedConnection } from './accept-connection';
import { acceptPending } from './accept-connection';
import type { DeviceContext } from './device-context';
import { dropExpiredPins } from './issue-pin';
import { listPendingConnections } from './pending-connections';

/** Accept every pending request proving a PIN this device issued; returns what was accepted. */
export async function acceptPinConnections(
  context: DeviceContext,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<AcceptedConnection[]> {
  await context.administrationKey();
  dropExpiredPins(context);
  const { pending } = await listPendingConnections(context, options);
  const accepted: AcceptedConnection[] = [];
  for (const request of pending) {
    if (!request.pinVerified) continue;
    accepted.push(await acceptPending(context, request, options));
  }
  return accepted;
}
