/**
 * A catalog this device can write to (docs/architecture.md section 3): one whose application key it
 * holds. When it does not yet, the account's application profile may be missing (a new account: an
 * administrator device creates it) or may not have reached this device's cached personal profile
 * (fetch and prove the current one). Either needs the service; offline, the device can still read
 * what it holds.
 */
import { MeshError } from '../../../shared/errors';
import { shareApplications } from './application-profiles';
import type { CatalogType, EntryOf } from './catalog-kinds';
import type { CatalogReplica } from './catalog-replica';
import { catalogsOf } from './catalog-set';
import type { DeviceContext } from '../session/device-context';
import { refreshPersonalProfile } from '../profile/update-personal-profile';

/** Options of a change: cancellation of the service calls it may need (see writableCatalog). */
export interface ChangeOptions {
  readonly signal?: AbortSignal | undefined;
}

/** The catalog of `type`, with its key (module comment); NOT_A_RECIPIENT when there is none. */
export async function writableCatalog<T extends CatalogType>(
  context: DeviceContext,
  type: T,
  signal?: AbortSignal,
): Promise<CatalogReplica<EntryOf<T>>> {
  const catalogs = catalogsOf(context);
  const replica = await catalogs.replica(type);
  if (replica.currentKey !== undefined) return replica;
  if (context.requireAccount().role === 'administrator') {
    await shareApplications(context, { signal });
  } else {
    await catalogs.applyProfile(await refreshPersonalProfile(context, { signal }));
  }
  if (replica.currentKey === undefined) {
    throw new MeshError(
      'NOT_A_RECIPIENT',
      `this device cannot write to the ${type} application yet: an administrator device shares its key when it syncs, then this device can, after its own sync`,
      { type, reason: 'key-not-shared' },
    );
  }
  return replica;
}
