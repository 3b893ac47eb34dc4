/**
 * What one open device home holds in memory besides its stores (docs/architecture.md, "One owner
 * per open home"): the state the shared layers keep per home - the catalogs and their keys, the
 * service's upload budget, whether the catalog hooks are attached - and the lanes that keep two
 * profile updates, or two syncs, of one home from interleaving. It lives on the device context
 * (`context.homeState`), so it is made when the home opens and goes when it closes: nothing is
 * kept in module-level tables keyed by a context.
 *
 * A layer declares its slot next to its code (`new HomeSlot<CatalogSet>('catalogs', close)`),
 * so this folder needs to know nothing of the layers above it. On close, in-flight turns settle
 * first, then the slots close in the reverse order they were filled (the catalogs wipe their
 * keys), and then the context wipes the device keys and closes the local store and the lock.
 */
import { MeshError } from '../../../shared/errors';

/** A place for one kind of per-home state, declared by the layer that owns it. */
export class HomeSlot<T> {
  /**
   * `name` is for errors and the docs; `close` (if any) runs when the home closes, on the value
   * the slot holds then.
   */
  constructor(
    readonly name: string,
    readonly close?: (value: T) => void | Promise<void>,
  ) {}
}

/** The work of one home that must run one at a time. */
export type HomeLane = 'profile-update' | 'sync';

/** The per-home state of one open device home (module comment). */
export class HomeState {
  readonly #slots = new Map<HomeSlot<never>, unknown>();
  readonly #lanes = new Map<HomeLane, Promise<void>>();
  #closed = false;

  /** The value of `slot`, or undefined when nothing was put there. */
  get<T>(slot: HomeSlot<T>): T | undefined {
    return this.#slots.get(slot as HomeSlot<never>) as T | undefined;
  }

  /** The value of `slot`, made by `create` the first time. */
  getOrCreate<T>(slot: HomeSlot<T>, create: () => T): T {
    const key = slot as HomeSlot<never>;
    if (this.#slots.has(key)) return this.#slots.get(key) as T;
    if (this.#closed) throw closedError(slot.name);
    const value = create();
    this.#slots.set(key, value);
    return value;
  }

  /** Empty `slot` (its close is not run: the caller lets go of the value itself). */
  delete<T>(slot: HomeSlot<T>): void {
    this.#slots.delete(slot as HomeSlot<never>);
  }

  /**
   * Run `work` once the earlier work of `lane` on this home has settled (whether it succeeded or
   * not); the caller gets `work`'s own result or error.
   */
  inTurn<T>(lane: HomeLane, work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(lane));
    const before = this.#lanes.get(lane) ?? Promise.resolve();
    const turn = before.then(work);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.#lanes.set(lane, settled);
    void settled.then(() => {
      if (this.#lanes.get(lane) === settled) this.#lanes.delete(lane);
    });
    return turn;
  }

  /**
   * Let the turns in flight settle, then close the slots in the reverse order they were filled.
   * A slot's close that fails does not keep the others open; the first error is thrown at the end.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#lanes.values());
    const filled = [...this.#slots.entries()].reverse();
    this.#slots.clear();
    let failure: unknown;
    for (const [slot, value] of filled) {
      try {
        await (slot as HomeSlot<unknown>).close?.(value);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}

function closedError(what: string): MeshError {
  return new MeshError('INVALID_ARGUMENT', 'the device home is closed', {
    reason: 'closed',
    state: what,
  });
}
