/**
 * An application's catalog as the core holds one, without a service or an account: a
 * CatalogReplica (electron/core/catalog/catalog-replica.ts) on a LocalStore in a temporary folder,
 * with a fresh application key, so tests of the password and mail modules change entries the way
 * the applications do (one record per change, `replica.change`) and read them back from the one
 * in-memory view.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PasswordEntry } from '../../shared/apps/password-entry';
import { newCatalogKey } from '../../electron/core/catalog/application-key';
import {
  CATALOG_KINDS,
  type CatalogKind,
  type CatalogType,
  type EntryOf,
} from '../../electron/core/catalog/catalog-kinds';
import { CatalogReplica } from '../../electron/core/catalog/catalog-replica';
import type { ChangeContext } from '../../electron/core/catalog/entry-model';
import {
  planPasswordImport,
  type PasswordImportOptions,
} from '../../electron/core/passwords/csv-import';
import {
  newPasswordEntry,
  type PasswordEntryInput,
} from '../../electron/core/passwords/password-catalog';
import { PasswordIndex } from '../../electron/core/passwords/password-index';
import { LocalStore } from '../../electron/core/store/local-store';
import { memoryKeyStore } from '../core/store/memory-key-store';

/** A catalog of type `T` on disk; close() closes the store and removes the folder. */
export interface CatalogOnDisk<T extends CatalogType> {
  readonly replica: CatalogReplica<EntryOf<T>>;
  close(): void;
}

/** Open an empty catalog of `kind` (module comment), e.g. `catalogOnDisk(CATALOG_KINDS.mail)`. */
export async function catalogOnDisk<T extends CatalogType>(
  kind: CatalogKind & { readonly type: T },
): Promise<CatalogOnDisk<T>> {
  const directory = mkdtempSync(join(tmpdir(), 'mesh-catalog-'));
  const store = await LocalStore.open({
    path: join(directory, 'store.db'),
    keyStore: memoryKeyStore(),
  });
  const replica = CatalogReplica.load(
    store,
    kind,
    [],
    newCatalogKey(kind.type, `${kind.type}-application`),
  );
  return {
    replica,
    close() {
      replica.wipeKeys();
      store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A password catalog on disk with the index the password application keeps over it. */
export interface PasswordsOnDisk extends CatalogOnDisk<'password'> {
  readonly index: PasswordIndex;
  /** Add an entry as the password application does (newPasswordEntry, one record); returns it. */
  add(input: PasswordEntryInput, context: ChangeContext): PasswordEntry;
  /** Store entries as new versions (each merged with what the catalog holds of it). */
  put(...entries: PasswordEntry[]): void;
  /** Import a CSV file as PasswordApplication.import does: plan against the entries, then store. */
  import(
    file: string | Uint8Array,
    options: PasswordImportOptions,
  ): ReturnType<typeof planPasswordImport>['report'];
}

/** Open an empty password catalog with its index. */
export async function passwordsOnDisk(): Promise<PasswordsOnDisk> {
  const catalog = await catalogOnDisk(CATALOG_KINDS.password);
  const { replica } = catalog;
  const index = new PasswordIndex(replica);
  const put = (...entries: PasswordEntry[]): void => {
    if (entries.length > 0) replica.change(entries.map((entry) => ({ Entry: entry })));
  };
  return {
    ...catalog,
    index,
    put,
    add(input, context) {
      const entry = newPasswordEntry(input, context);
      put(entry);
      return replica.entry(entry.Identifier) ?? entry;
    },
    import(file, options) {
      const plan = planPasswordImport(index.list(), file, options);
      put(...plan.changes.map((change) => change.entry));
      return plan.report;
    },
  };
}

/** A device's change context on a clock that ticks one second per change, with readable ids. */
export function tickingDevice(
  udf: string,
  start = Date.parse('2024-01-01T00:00:00Z'),
): ChangeContext {
  let tick = 0;
  let id = 0;
  return {
    deviceUdf: udf,
    now: () => new Date(start + 1000 * tick++),
    newIdentifier: () => `${udf}-${++id}`,
  };
}
