/**
 * The catalog layer's part in the device flows (docs/architecture.md section 7;
 * electron/core/session/ device-hooks.ts): when an administrator accepts a device, the application
 * keys are wrapped for it before the answer is posted, so the new device can read every catalog at
 * its first sync; when it removes a device, the catalogs are synced and every key the removed
 * device could unwrap is rotated, so it cannot read what is written from then on. Both are
 * idempotent, as hooks must be: run again, they find nothing left to do.
 */
import { shareApplications } from '../application-profiles';
import type { DeviceContext } from '../../session/device-context';
import type { DeviceChange } from '../../session/device-hooks';
import { HomeSlot } from '../../session/home-state';
import { syncCatalogs } from './sync-catalogs';

/** deviceAdded: wrap the application keys for the new device (and create missing ones). */
export async function shareKeysWithAddedDevice(
  context: DeviceContext,
  change: DeviceChange,
): Promise<void> {
  await shareApplications(context, { signal: change.signal });
}

/** deviceRemoved: sync, then rotate every key the removed device holds (syncCatalogs does). */
export async function rotateKeysOfRemovedDevice(
  context: DeviceContext,
  change: DeviceChange,
): Promise<void> {
  await syncCatalogs(context, { signal: change.signal });
}

/** The hooks attached to a home, in its state: detached with it when the home closes. */
const ATTACHED = new HomeSlot<() => void>('catalog-hooks', (detach) => detach());

/**
 * Attach the catalog hooks to a device home (once per open home; MeshApplications does it when
 * MeshDevice opens the home). They stay attached until the home closes.
 */
export function attachCatalogHooks(context: DeviceContext): void {
  context.homeState.getOrCreate(ATTACHED, () => {
    const removeAdded = context.hooks.deviceAdded.add(shareKeysWithAddedDevice);
    const removeRemoved = context.hooks.deviceRemoved.add(rotateKeysOfRemovedDevice);
    return () => {
      removeAdded();
      removeRemoved();
    };
  });
}
