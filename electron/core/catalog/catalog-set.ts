/**
 * The catalogs of one open device home (docs/architecture.md section 3): one CatalogReplica per
 * application type, loaded from the local store when first asked for and shared by everything that
 * works on that home - the password and mail APIs, sync, and the hooks that share and rotate
 * application keys - so that each sees the others' changes at once. What another process with the
 * home open commits is read again at the next catch-up (DeviceContext.catchUp; docs/local-store.md
 * "Sharing a home").
 */
import { isMeshError } from '../../../shared/errors';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import type { DeviceContext } from '../session/device-context';
import { HomeSlot } from '../session/home-state';
import { findCatalogApplication } from './application-entry';
import { listCatalogKeys, wipeCatalogKey, type CatalogKey } from './application-key';
import { CatalogEvents } from './catalog-events';
import { catalogKeyFor } from './catalog-keys';
import { CATALOG_KINDS, CATALOG_TYPES, type CatalogType, type EntryOf } from './catalog-kinds';
import { CatalogReplica } from './catalog-replica';

/** The catalogs in the home's state: closed (their keys wiped) when the home closes. */
const CATALOGS = new HomeSlot<CatalogSet>('catalogs', (set) => set.close());

/** The catalogs of the home `context` has open (one set per home). */
export function catalogsOf(context: DeviceContext): CatalogSet {
  return context.homeState.getOrCreate(CATALOGS, () => new CatalogSet(context));
}

/** The catalogs of one device home (module comment). */
export class CatalogSet {
  readonly context: DeviceContext;
  readonly events = new CatalogEvents();
  readonly #replicas = new Map<CatalogType, Promise<CatalogReplica>>();
  /** The replicas loaded so far (those of #replicas that resolved). */
  readonly #loaded = new Map<CatalogType, CatalogReplica>();
  readonly #stopCatchUp: () => void;

  constructor(context: DeviceContext) {
    this.context = context;
    this.#stopCatchUp = context.onChangedElsewhere(() => this.#catchUp());
  }

  /**
   * The catalog of `type`, loaded from the local store on first use: the one in-memory view of
   * that application's entries on this home (catalog-replica.ts).
   */
  replica<T extends CatalogType>(type: T): Promise<CatalogReplica<EntryOf<T>>> {
    let replica = this.#replicas.get(type);
    if (replica === undefined) {
      replica = this.#load(type);
      replica.catch(() => this.#replicas.delete(type));
      this.#replicas.set(type, replica);
    }
    // The map holds, under each type, the replica #load made for that type.
    return replica as Promise<CatalogReplica<EntryOf<T>>>;
  }

  /** Every catalog, loaded. */
  all(): Promise<CatalogReplica[]> {
    return Promise.all(CATALOG_TYPES.map((type) => this.replica(type)));
  }

  /**
   * Bring the catalogs up to a newer personal profile (after a refresh or an update this device
   * published): each application whose container changed (created, or its key rotated) gets its
   * new key, when this device can unwrap it. Returns the types that moved to a new container.
   */
  async applyProfile(profile: VerifiedPersonalProfile): Promise<CatalogType[]> {
    const moved: CatalogType[] = [];
    for (const type of CATALOG_TYPES) {
      const application = findCatalogApplication(profile, type);
      if (application === undefined) continue;
      const replica = await this.replica(type);
      if (replica.currentKey?.container === application.Container) continue;
      let key: CatalogKey;
      try {
        key = await catalogKeyFor(this.context, application);
      } catch (error) {
        if (isMeshError(error, 'NOT_A_RECIPIENT')) continue;
        throw error;
      }
      replica.useKey(key);
      moved.push(type);
    }
    return moved;
  }

  /**
   * Forget the catalogs of this home and overwrite the application keys they hold in memory (the
   * home's state does it when the home closes).
   */
  async close(): Promise<void> {
    this.#stopCatchUp();
    const loaded = await Promise.allSettled(this.#replicas.values());
    this.#replicas.clear();
    this.#loaded.clear();
    for (const result of loaded) if (result.status === 'fulfilled') result.value.wipeKeys();
  }

  /** Make `key` current for its type (a key this device has just created or rotated to). */
  async adopt(key: CatalogKey): Promise<void> {
    (await this.replica(key.type)).useKey(key);
  }

  async #load(type: CatalogType): Promise<CatalogReplica> {
    const profile = await this.context.personalProfile();
    const application = findCatalogApplication(profile, type);
    let current: CatalogKey | undefined;
    if (application !== undefined) {
      try {
        current = await catalogKeyFor(this.context, application);
      } catch (error) {
        if (!isMeshError(error, 'NOT_A_RECIPIENT')) throw error;
      }
    }
    const kept = listCatalogKeys(this.context.store).filter((key) => key.type === type);
    const replica = CatalogReplica.load(this.context.store, CATALOG_KINDS[type], kept, current);
    replica.onChange((change) => this.events.emit('catalog-changed', change));
    this.#loaded.set(type, replica);
    return replica;
  }

  /**
   * Another process committed to the home's store: take the application keys it came to hold
   * (a newer personal profile it cached), then read each loaded catalog again; their listeners
   * and the indexes over them (catalog-replica.ts EntryIndex) hear of every entry that changed.
   */
  async #catchUp(): Promise<void> {
    if (this.#loaded.size === 0) return;
    if (this.context.account() === undefined) return; // removed meanwhile: nothing to read
    await this.applyProfile(await this.context.personalProfile());
    const kept = listCatalogKeys(this.context.store);
    for (const key of kept) {
      const replica = this.#loaded.get(key.type);
      if (replica === undefined) wipeCatalogKey(key);
    }
    for (const replica of this.#loaded.values()) {
      replica.reload(kept.filter((key) => key.type === replica.type));
    }
  }
}
