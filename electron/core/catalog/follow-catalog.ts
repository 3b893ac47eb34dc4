/**
 * What every application on a synced catalog does the same way (docs/architecture.md section 3):
 * stamp its changes with this device and the home's clock, and keep its in-memory catalog equal to
 * the replica as records arrive.
 */
import type { ChangeContext } from './entry-model';
import type { CatalogChange, CatalogReplica } from './catalog-replica';
import type { DeviceContext } from '../session/device-context';

/** The in-memory view an application keeps of its catalog's entries. */
interface EntryView<E> {
  get(identifier: string): E | undefined;
  put(entry: E): unknown;
  delete(identifier: string): unknown;
}

/**
 * A change made by this device now (draft-hallambaker-mesh-reference-03 section 5: UpdatedBy and
 * Updated of an entry).
 */
export function deviceChangeContext(context: DeviceContext): ChangeContext & { now: () => Date } {
  return {
    deviceUdf: context.requireAccount().deviceUdf,
    now: () => new Date(context.now()),
  };
}

/** Apply `change` of `replica` to `view`: a record's entry is put, a removed record deleted. */
export function followCatalog<E>(
  replica: CatalogReplica,
  view: EntryView<E>,
  change: CatalogChange,
): void {
  for (const identifier of change.identifiers) {
    const record = replica.record(identifier);
    if (record?.Entry) view.put(record.Entry as E);
    else if (view.get(identifier) !== undefined) view.delete(identifier);
  }
}
