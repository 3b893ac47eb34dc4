/**
 * The applications of one device home (docs/architecture.md section 12; sections 3 and 7):
 * passwords and mail settings on the account's synced, encrypted catalogs, the sync itself, and the
 * catalog events (entries changed, conflicts resolved, sync state). What the desktop main process
 * and the
 * `mesh password`, `mesh mail` and `mesh account sync` commands call, next to MeshDevice.
 */
import type { CatalogEventMap, CatalogEventName, CatalogEvents } from './catalog/catalog-events';
import { catalogsOf } from './catalog/catalog-set';
import type { DeviceContext } from './session/device-context';
import { attachCatalogHooks } from './catalog/sync/catalog-hooks';
import { syncCatalogs, type SyncOptions, type SyncReport } from './catalog/sync/sync-catalogs';
import { MailApplication } from './mail/mail-application';
import { NetworkApplication } from './network/network-application';
import { PasswordApplication } from './passwords/password-application';

export type { SyncOptions, SyncReport };

/** The applications of one open device home (module comment). */
export class MeshApplications {
  readonly #context: DeviceContext;
  #passwords: Promise<PasswordApplication> | undefined;
  #mail: Promise<MailApplication> | undefined;
  #network: Promise<NetworkApplication> | undefined;

  /** The applications of the home `context` has open: MeshDevice makes the one of its home. */
  constructor(context: DeviceContext) {
    this.#context = context;
    // Accepting a device shares the application keys with it; removing one rotates them.
    attachCatalogHooks(context);
  }

  /** The catalog events of this home. */
  get events(): CatalogEvents {
    return catalogsOf(this.#context).events;
  }

  /** Listen to a catalog event; returns the function that stops listening. */
  on<E extends CatalogEventName>(
    name: E,
    listener: (event: CatalogEventMap[E]) => void,
  ): () => void {
    return this.events.on(name, listener);
  }

  /** The password application (loaded from the local store on first use). */
  passwords(): Promise<PasswordApplication> {
    this.#passwords ??= PasswordApplication.open(this.#context);
    this.#passwords.catch(() => (this.#passwords = undefined));
    return this.#passwords;
  }

  /** The mail application (loaded from the local store on first use). */
  mail(): Promise<MailApplication> {
    this.#mail ??= MailApplication.open(this.#context);
    this.#mail.catch(() => (this.#mail = undefined));
    return this.#mail;
  }

  /**
   * The network application (draft-hallambaker-mesh-reference-03 section 5.9), loaded on first use.
   */
  network(): Promise<NetworkApplication> {
    this.#network ??= NetworkApplication.open(this.#context);
    this.#network.catch(() => (this.#network = undefined));
    return this.#network;
  }

  /**
   * Close the applications of this home: they stop following their catalogs. MeshDevice.close
   * calls it before it closes the home, whose state then wipes the catalogs' keys
   * (docs/architecture.md, "One owner per open home"); the object is not used afterwards.
   */
  async close(): Promise<void> {
    const [passwords] = await Promise.allSettled([this.#passwords]);
    if (passwords?.status === 'fulfilled') passwords.value?.close();
  }

  /** Sync every catalog with the service (electron/core/catalog/sync/sync-catalogs.ts). */
  sync(options: SyncOptions = {}): Promise<SyncReport> {
    return syncCatalogs(this.#context, options);
  }
}
