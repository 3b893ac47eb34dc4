/**
 * Who makes a change and when (draft-hallambaker-mesh-reference-03 section 5: UpdatedBy and
 * Updated of an entry), for every application on a synced catalog (docs/architecture.md section
 * 3): this device, on the home's clock.
 */
import type { ChangeContext } from './entry-model';
import type { DeviceContext } from '../session/device-context';

/** A change made by this device now. */
export function deviceChangeContext(context: DeviceContext): ChangeContext & { now: () => Date } {
  return {
    deviceUdf: context.requireAccount().deviceUdf,
    now: () => new Date(context.now()),
  };
}
