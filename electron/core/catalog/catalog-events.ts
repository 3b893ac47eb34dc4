/**
 * Events of the catalog layer (docs/architecture.md section 7 "Sync": a conflict is "shown to the
 * user"; docs/architecture.md section 7): entries that changed (locally or by a sync), conflicts a
 * sync resolved, and the state of syncing. The desktop main process forwards them to the renderer;
 * progress itself goes through the device's own `progress` event, which the CLI already shows.
 */
import type { CatalogChange, CatalogConflict } from './catalog-replica';

/** Where syncing stands. */
export interface SyncStateEvent {
  readonly state: 'syncing' | 'synced' | 'offline' | 'failed';
  /** For `failed` and `offline`: the error code (never a secret). */
  readonly code?: string;
  /** Local edits still waiting for upload. */
  readonly pending: number;
}

/** Every catalog event, by name. */
export interface CatalogEventMap {
  'catalog-changed': CatalogChange;
  'sync-conflict': CatalogConflict;
  'sync-state': SyncStateEvent;
}

export type CatalogEventName = keyof CatalogEventMap;

/** A small typed emitter; a listener that throws does not stop the others or the emitter. */
export class CatalogEvents {
  readonly #listeners = new Map<CatalogEventName, Set<(event: never) => void>>();

  /** Listen to `name`; returns the function that stops listening. */
  on<E extends CatalogEventName>(
    name: E,
    listener: (event: CatalogEventMap[E]) => void,
  ): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    const stored = listener as (event: never) => void;
    set.add(stored);
    return () => void set.delete(stored);
  }

  /** Call every listener of `name`. */
  emit<E extends CatalogEventName>(name: E, event: CatalogEventMap[E]): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        (listener as (event: CatalogEventMap[E]) => void)(event);
      } catch {
        // The listener's own failure; the catalog change has happened either way.
      }
    }
  }
}
