/**
 * Approve the requests that prove a PIN this device issued (docs/architecture.md section 7,
 * "Connect with a PIN or QR code": "a request that proves knowledge of the PIN is approved without
 * the witness comparison"). Only requests whose PinAdminProof checks here - under the administrator
 * key that never left this device, for a PIN not expired and not used - are approved; the service's
 * PinVerified flag alone is never enough.
 */
import { MeshError } from '../../../shared/errors';
import type { AcceptedConnection } from './accept-connection';
import { acceptPending } from './accept-connection';
import type { DeviceContext } from '../session/device-context';
import { dropExpiredPins } from './issue-pin';
import { listPendingConnections } from './pending-connections';
import { requireAdministration } from '../profile/update-personal-profile';

/** Longest single long poll (the service caps it at its Limits.MaxWaitSeconds). */
const MAX_WAIT_SECONDS = 30;

/** Accept every pending request proving a PIN this device issued; returns what was accepted. */
export async function acceptPinConnections(
  context: DeviceContext,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<AcceptedConnection[]> {
  await requireAdministration(context, options);
  dropExpiredPins(context);
  const { pending } = await listPendingConnections(context, options);
  const accepted: AcceptedConnection[] = [];
  for (const request of pending) {
    if (!request.pinVerified) continue;
    accepted.push(await acceptPending(context, request, options));
  }
  return accepted;
}

/**
 * Wait until a request proving the PIN `pinId` arrives and accept it (the administrator side of
 * `mesh account pin --wait`), long-polling ConnectPending for each new request. `intervalMs` is
 * kept for callers and ignored. TIMEOUT when `timeoutSeconds` pass first; CANCELLED when `signal`
 * aborts.
 */
export async function awaitPinConnection(
  context: DeviceContext,
  pinId: string,
  options: {
    timeoutSeconds: number;
    intervalMs?: number | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<AcceptedConnection> {
  await requireAdministration(context, options);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let after = 0;
  let waitSeconds = 0;
  for (;;) {
    const { pending, newest } = await listPendingConnections(context, {
      signal: options.signal,
      waitSeconds,
      after,
    });
    after = Math.max(after, newest);
    const request = pending.find((candidate) => candidate.pinVerified && candidate.pinId === pinId);
    if (request !== undefined) return acceptPending(context, request, options);
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new MeshError(
        'TIMEOUT',
        'no device has asked to connect with the PIN yet; it stays valid until it expires',
        { seconds: options.timeoutSeconds, reason: 'pin-unused' },
      );
    }
    options.signal?.throwIfAborted();
    waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.ceil(remaining / 1000));
  }
}
