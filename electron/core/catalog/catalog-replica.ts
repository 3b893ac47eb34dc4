/**
 * One application's catalog on this device (draft-hallambaker-mesh-protocol-00 section 4.6.1
 * catalogs; docs/architecture.md sections 3 and 7): the state of every entry, derived from what the
 * local store holds -   - the replica of the application's container(s): the sealed records
 * downloaded or uploaded,     by index (after a key rotation, briefly also the previous
 * container's), and   - the queue of local edits not yet uploaded (their records, in plaintext
 * inside the sealed     local store) -
 * by merging every record about an entry (catalog-record.ts). Nothing else is stored, so the
 * state after a crash is exactly what the store committed. A local edit is one queued record; a
 * downloaded page is one commit of its entries together with the sync position covering them.
 *
 * The replica is the one in-memory view of its application's entries: the applications read them
 * here (typed by the kind's schema) and keep no copy. What an application needs to find entries
 * fast (the password site and search indexes) is an EntryIndex the replica updates itself, in the
 * same step that changes an entry's state.
 */
import { z } from 'zod';
import { isMeshError, MeshError } from '../../../shared/errors';
import { versionIdentity } from './entry-model';
import type { SyncPosition } from '../store/records';
import type { LocalStore } from '../store/local-store';
import {
  deleteCatalogKey,
  saveCatalogKey,
  wipeCatalogKey,
  type CatalogKey,
} from './application-key';
import type { CatalogKind, CatalogType, EntryOf } from './catalog-kinds';
import {
  decodeRecord,
  encodeRecord,
  isDeletion,
  mergeRecords,
  recordId,
  recordKey,
  type CatalogRecord,
  type Deletion,
  type RecordEntry,
} from './catalog-record';
import { openEntry, sealEntry } from './entry-sealing';
import { storedUploadLimits } from './sync/upload-limits';

/** An entry of a container as downloaded or uploaded: its index and its sealed payload. */
export interface SealedEntry {
  readonly index: number;
  readonly payload: string;
}

/** Two devices changed one entry before they synced; `kept` says whose version is current. */
export interface CatalogConflict {
  readonly type: CatalogType;
  readonly identifier: string;
  /** `local`: this device's edit is current and the other is in History (or was deleted). */
  readonly kept: 'local' | 'remote';
}

/** Entries whose state changed, and why. */
export interface CatalogChange {
  readonly type: CatalogType;
  readonly identifiers: readonly string[];
  readonly source: 'local' | 'sync';
}

/**
 * A lookup structure over one catalog's entries that holds none of them (module comment): told of
 * each entry whose state changes, with its version before and after (undefined: absent or
 * deleted). It must not throw: the change it hears of is committed already.
 */
export interface EntryIndex<E extends RecordEntry> {
  update(identifier: string, before: E | undefined, after: E | undefined): void;
}

/** The set-aside edits kept in the local store: edit position and entry. */
const setAsideSchema = z.array(
  z.strictObject({ seq: z.number().int().positive(), identifier: z.string() }),
);

/** Records to upload: the current state of every entry with queued edits. */
export interface UploadBatch {
  readonly container: string;
  readonly items: ReadonlyArray<{ identifier: string; payload: string; seqs: readonly number[] }>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The catalog of one application type (module comment); `E` is the type of its entries, as its
 * kind's schema reads them.
 */
export class CatalogReplica<E extends RecordEntry = RecordEntry> {
  readonly kind: CatalogKind;
  readonly #store: LocalStore;
  readonly #records = new Map<string, CatalogRecord<E>>();
  /** Queued local versions, by edit position (in the order they were made). */
  readonly #queued = new Map<number, { identifier: string; record: CatalogRecord<E> }>();
  readonly #indexes = new Set<EntryIndex<E>>();
  /** Keys of the containers whose replicas are folded in, by container. */
  readonly #keys = new Map<string, CatalogKey>();
  readonly #listeners = new Set<(change: CatalogChange) => void>();
  /**
   * Queued edits the service refused as too large (413): kept, not sent again. Kept in the local
   * store too (a setting per catalog type), so they stay set aside after a restart.
   */
  readonly #setAside = new Map<number, string>();
  #current: CatalogKey | undefined;
  #unreadable = 0;

  private constructor(kind: CatalogKind, store: LocalStore) {
    this.kind = kind;
    this.#store = store;
  }

  /**
   * The catalog from the local store: the replicas of every container whose key is in `keys`
   * (this type's kept keys), then the queued edits. `current` is the key of the application's
   * container now (from the personal profile), if this device holds it.
   */
  static load<T extends CatalogType>(
    store: LocalStore,
    kind: CatalogKind & { readonly type: T },
    keys: readonly CatalogKey[],
    current: CatalogKey | undefined,
  ): CatalogReplica<EntryOf<T>> {
    const replica = new CatalogReplica<EntryOf<T>>(kind, store);
    for (const key of keys) if (key.type === kind.type) replica.#keys.set(key.container, key);
    if (current !== undefined) replica.#useKey(current);
    replica.#foldStore();
    replica.#readSetAside();
    return replica;
  }

  get type(): CatalogType {
    return this.kind.type;
  }

  /** The key of the application's current container, once this device holds it. */
  get currentKey(): CatalogKey | undefined {
    return this.#current;
  }

  /** Records this version of Mesh could not read (written by a later version), skipped. */
  get unreadable(): number {
    return this.#unreadable;
  }

  /** Containers folded in besides the current one (left from before a key rotation). */
  get previousContainers(): string[] {
    return [...this.#keys.keys()].filter((container) => container !== this.#current?.container);
  }

  /** Every entry that is not deleted, in no particular order. */
  entries(): E[] {
    const out: E[] = [];
    for (const record of this.#records.values()) if (record.Entry) out.push(record.Entry);
    return out;
  }

  /** The current version of one entry; undefined when absent or deleted. */
  entry(identifier: string): E | undefined {
    return this.#records.get(identifier)?.Entry;
  }

  /** The deletions this catalog knows (the entry is gone, the tombstone stays). */
  deletions(): Deletion[] {
    const out: Deletion[] = [];
    for (const record of this.#records.values()) if (record.Deleted) out.push(record.Deleted);
    return out;
  }

  /** The state of one entry (a version or its deletion), if this catalog knows it. */
  record(identifier: string): CatalogRecord<E> | undefined {
    return this.#records.get(identifier);
  }

  /** How far this device holds `container` (undefined before its first entry). */
  position(container: string): SyncPosition | undefined {
    return this.#store.getSyncPosition(container);
  }

  /** Number of entries with edits queued for upload. */
  get pendingCount(): number {
    return new Set([...this.#queued.values()].map((item) => item.identifier)).size;
  }

  /** Listen to changes of entries; returns the function that stops listening. */
  onChange(listener: (change: CatalogChange) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Keep `index` current with this catalog's entries (EntryIndex): it is told of every entry held
   * now, then of each change as it is made. Returns the function that stops updating it.
   */
  index(index: EntryIndex<E>): () => void {
    for (const [identifier, record] of this.#records) {
      if (record.Entry) index.update(identifier, undefined, record.Entry);
    }
    this.#indexes.add(index);
    return () => void this.#indexes.delete(index);
  }

  /**
   * Local edits (docs/architecture.md section 7): each record - a new version of an entry, or its
   * deletion
   * - is merged into the state and queued for upload, all in one commit. What is queued is the
   * version itself, without the earlier versions its History repeats from this catalog: every
   * device rebuilds History by merging the records of the container, so a change costs one
   * version whatever the length of the entry's history. Returns the resulting states.
   */
  change(records: readonly CatalogRecord<E>[]): CatalogRecord<E>[] {
    for (const record of records) this.#checkFits(record);
    const results: CatalogRecord<E>[] = [];
    const queued: Array<{
      identifier: string;
      seq: number;
      record: CatalogRecord<E>;
      state: CatalogRecord<E>;
    }> = [];
    const staged = new Map<string, CatalogRecord<E>>();
    this.#store.transaction(() => {
      for (const change of records) {
        const identifier = recordId(change);
        const previous = staged.get(identifier) ?? this.#records.get(identifier);
        const record = previous === undefined ? change : withoutKnownHistory(change, previous);
        const state = previous ? mergeRecords(previous, record) : record;
        staged.set(identifier, state);
        const seq = this.#store.enqueueEdit({
          container: this.kind.type,
          key: identifier,
          data: encodeRecord(record),
        });
        queued.push({ identifier, seq, record, state });
      }
    });
    for (const { identifier, seq, record, state } of queued) {
      this.#put(identifier, state);
      this.#queued.set(seq, { identifier, record });
      results.push(state);
    }
    this.#emit(
      queued.map((item) => item.identifier),
      'local',
    );
    return results;
  }

  /**
   * Take in entries downloaded from `container` (in index order, right after `position`'s
   * index), storing them with the new position in one commit. Returns the entries whose state
   * changed and the conflicts with queued local edits; a queued version the service already
   * holds (an upload whose answer was lost) is dropped from the queue.
   */
  ingest(
    container: string,
    entries: readonly SealedEntry[],
    position: SyncPosition,
  ): { changed: string[]; conflicts: CatalogConflict[] } {
    const key = this.#keyOf(container);
    const incoming = entries.map((entry) => ({
      entry,
      record: this.#openSealed(key, entry.payload),
    }));
    const changed = new Set<string>();
    const conflicts: CatalogConflict[] = [];
    const satisfied: number[] = [];
    const next = new Map<string, CatalogRecord<E>>();
    for (const { record } of incoming) {
      if (record === undefined) continue;
      const identifier = recordId(record);
      const before = next.get(identifier) ?? this.#records.get(identifier);
      const after = before ? mergeRecords(before, record) : record;
      const mine = this.#queuedFor(identifier);
      if (mine.length > 0 && before !== undefined) {
        const key = recordKey(record);
        const echoed = mine.filter((item) => recordKey(item.record) === key);
        if (echoed.length > 0) {
          satisfied.push(...echoed.map((item) => item.seq)); // our own upload, come back
        } else if (recordKey(after) !== recordKey(before)) {
          conflicts.push({
            type: this.kind.type,
            identifier,
            kept: sameVersion(after, before) ? 'local' : 'remote',
          });
        }
      }
      if (before === undefined || recordKey(after) !== recordKey(before)) {
        next.set(identifier, after);
        changed.add(identifier);
      }
    }
    this.#store.transaction(() => {
      this.#store.putEntries(
        container,
        entries.map((entry) => ({ index: entry.index, data: encoder.encode(entry.payload) })),
      );
      this.#store.setSyncPosition(position);
      for (const seq of satisfied) this.#store.removeEdit(seq);
    });
    for (const [identifier, state] of next) this.#put(identifier, state);
    for (const seq of satisfied) this.#queued.delete(seq);
    if (changed.size > 0) this.#emit([...changed], 'sync');
    return { changed: [...changed], conflicts };
  }

  /**
   * The next upload (at most `maxBytes` of payload, `maxItems` entries): queued versions in the
   * order they were made, sealed under the current key. Undefined when nothing is queued.
   */
  nextUpload(maxBytes: number, maxItems: number): UploadBatch | undefined {
    const key = this.#requireCurrent();
    const items: Array<{ identifier: string; payload: string; seqs: number[] }> = [];
    let bytes = 0;
    for (const [seq, { identifier, record }] of this.#queued) {
      if (this.#setAside.has(seq)) continue;
      const payload = sealEntry(key, encodeRecord(record));
      if (items.length > 0 && (bytes + payload.length > maxBytes || items.length >= maxItems)) {
        break;
      }
      bytes += payload.length;
      items.push({ identifier, payload, seqs: [seq] });
    }
    return items.length === 0 ? undefined : { container: key.container, items };
  }

  /**
   * The service refused `item` as too large (413) although it fitted the limit this device knew
   * (the limit was lowered since): keep its edits locally but leave them out of the uploads of
   * this session, so the entries queued behind it still go.
   */
  setAside(item: UploadBatch['items'][number]): void {
    for (const seq of item.seqs) this.#setAside.set(seq, item.identifier);
    this.#writeSetAside();
  }

  /** The store's set-aside edits of this type that are still queued, added to this session's. */
  #readSetAside(): void {
    const stored = this.#store.getSetting(this.#setAsideSetting, setAsideSchema) ?? [];
    for (const { seq, identifier } of stored) {
      if (this.#queued.has(seq)) this.#setAside.set(seq, identifier);
    }
  }

  /** Keep the set-aside edits still queued in the store (and only those). */
  #writeSetAside(): void {
    const kept = [...this.#setAside]
      .filter(([seq]) => this.#queued.has(seq))
      .map(([seq, identifier]) => ({ seq, identifier }));
    this.#store.setSetting(this.#setAsideSetting, kept);
  }

  get #setAsideSetting(): string {
    return `catalog-set-aside:${this.kind.type}`;
  }

  /** Entries with edits set aside as too large (setAside), still queued locally. */
  get failed(): string[] {
    const queued = new Set([...this.#queued.keys()]);
    const out = new Set<string>();
    for (const [seq, identifier] of this.#setAside) if (queued.has(seq)) out.add(identifier);
    return [...out];
  }

  /**
   * An upload was accepted at `indexes` (one per batch item): store the entries and the new
   * position, and drop the queued edits the batch covered, in one commit.
   */
  uploaded(batch: UploadBatch, indexes: readonly number[], position: SyncPosition): void {
    if (indexes.length !== batch.items.length) {
      throw new MeshError('SERVICE_ERROR', 'the service accepted another number of entries', {
        reason: 'malformed-response',
      });
    }
    const seqs = batch.items.flatMap((item) => item.seqs);
    this.#store.transaction(() => {
      this.#store.putEntries(
        batch.container,
        batch.items.map((item, i) => ({
          index: indexes[i]!,
          data: encoder.encode(item.payload),
        })),
      );
      this.#store.setSyncPosition(position);
      for (const seq of seqs) this.#store.removeEdit(seq);
    });
    for (const seq of seqs) this.#queued.delete(seq);
  }

  /**
   * Make `key` (the application's key now) current, keeping it in the local store. The
   * replicas of earlier containers stay folded in until migrate() has carried their records
   * over.
   */
  useKey(key: CatalogKey): void {
    this.#useKey(key);
  }

  /**
   * After the current container has been downloaded in full: queue every entry whose state here
   * is not what the current container says (records that reached an earlier container after
   * the administrator re-encrypted it), then forget the earlier containers' replicas and keys.
   * Returns the number of entries queued.
   */
  migrate(): number {
    const key = this.#requireCurrent();
    const previous = this.previousContainers;
    if (previous.length === 0) return 0;
    const inCurrent = new Map<string, CatalogRecord<E>>();
    for (const entry of this.#store.getEntries(key.container)) {
      const record = this.#openSealed(key, decoder.decode(entry.data));
      if (record === undefined) continue;
      const identifier = recordId(record);
      const before = inCurrent.get(identifier);
      inCurrent.set(identifier, before ? mergeRecords(before, record) : record);
    }
    const carried: Array<{ identifier: string; seq: number; record: CatalogRecord<E> }> = [];
    const queuedIds = new Set([...this.#queued.values()].map((item) => item.identifier));
    this.#store.transaction(() => {
      for (const [identifier, state] of this.#records) {
        if (queuedIds.has(identifier)) continue;
        const there = inCurrent.get(identifier);
        if (there !== undefined && recordKey(there) === recordKey(state)) continue;
        const seq = this.#store.enqueueEdit({
          container: this.kind.type,
          key: identifier,
          data: encodeRecord(state),
        });
        carried.push({ identifier, seq, record: state });
      }
      for (const container of previous) {
        this.#store.deleteContainer(container);
        deleteCatalogKey(this.#store, container);
      }
    });
    for (const { identifier, seq, record } of carried)
      this.#queued.set(seq, { identifier, record });
    for (const container of previous) this.#keys.delete(container);
    return carried.length;
  }

  /**
   * Every current record sealed under `key` (a new key after a rotation), deletions included,
   * so the new container alone gives every device the whole catalog.
   */
  sealAll(key: CatalogKey): { payloads: string[]; seqs: number[] } {
    return {
      payloads: [...this.#records.values()].map((record) => sealEntry(key, encodeRecord(record))),
      seqs: [...this.#queued.keys()],
    };
  }

  /**
   * After this device re-encrypted the catalog under `key` into its new container (rotation):
   * hold the uploaded entries as that container's replica, make the key current and forget
   * the old containers, in one commit. `seqs` are the queued edits sealAll() covered.
   */
  rotated(
    key: CatalogKey,
    entries: readonly SealedEntry[],
    position: SyncPosition,
    seqs: readonly number[],
  ): void {
    const old = [...this.#keys.keys()];
    this.#store.transaction(() => {
      saveCatalogKey(this.#store, key);
      this.#store.putEntries(
        key.container,
        entries.map((entry) => ({ index: entry.index, data: encoder.encode(entry.payload) })),
      );
      this.#store.setSyncPosition(position);
      for (const container of old) {
        if (container === key.container) continue;
        this.#store.deleteContainer(container);
        deleteCatalogKey(this.#store, container);
      }
      for (const seq of seqs) this.#store.removeEdit(seq);
    });
    for (const container of old) if (container !== key.container) this.#keys.delete(container);
    this.#keys.set(key.container, key);
    this.#current = key;
    for (const seq of seqs) this.#queued.delete(seq);
  }

  /**
   * Drop what this device holds of `container` (its entries and sync position; the key stays)
   * and rebuild the state from the rest: for a replica the service's answers contradict, so the
   * next sync downloads the container afresh.
   */
  discardContainer(container: string): void {
    this.#store.deleteContainer(container);
    const before = this.#refold();
    this.#emit([...new Set([...before.keys(), ...this.#records.keys()])], 'sync');
  }

  /**
   * Read the catalog again from the local store, which another process with this home open has
   * changed (docs/local-store.md "Sharing a home"): `kept` are this type's keys the store holds
   * now (listCatalogKeys) - keys new there are taken, keys of containers gone from it forgotten
   * (wiped), the current one stays (CatalogSet.applyProfile moves it) - then every container
   * replica and queued edit is folded in afresh. Listeners hear of each entry whose state
   * changed, as from a sync. Edits set aside (here or by the other process) stay set aside while
   * still queued.
   */
  reload(kept: readonly CatalogKey[]): void {
    const keep = new Set<string>();
    for (const key of kept) {
      if (key.type !== this.kind.type) continue;
      keep.add(key.container);
      // A container's key never changes (#useKey refuses another): one held already is kept.
      if (this.#keys.has(key.container)) wipeCatalogKey(key);
      else this.#keys.set(key.container, key);
    }
    for (const [container, key] of this.#keys) {
      if (keep.has(container) || key === this.#current) continue;
      this.#keys.delete(container);
      wipeCatalogKey(key);
    }
    const before = this.#refold();
    for (const seq of [...this.#setAside.keys()]) {
      if (!this.#queued.has(seq)) this.#setAside.delete(seq);
    }
    this.#readSetAside();
    const changed: string[] = [];
    for (const identifier of new Set([...before.keys(), ...this.#records.keys()])) {
      if (before.get(identifier) !== this.#records.get(identifier)) changed.push(identifier);
    }
    this.#emit(changed, 'sync');
  }

  /**
   * Fold the store in afresh (the one view rebuilt): a record that says what it said before keeps
   * its object, so entries that did not change keep their identity; the indexes hear of each entry
   * whose version changed. Returns the states before.
   */
  #refold(): Map<string, CatalogRecord<E>> {
    const before = new Map(this.#records);
    this.#records.clear();
    this.#queued.clear();
    this.#unreadable = 0;
    this.#foldStore();
    for (const [identifier, record] of this.#records) {
      const previous = before.get(identifier);
      if (previous !== undefined && recordKey(previous) === recordKey(record)) {
        this.#records.set(identifier, previous);
      }
    }
    for (const identifier of new Set([...before.keys(), ...this.#records.keys()])) {
      const was = before.get(identifier)?.Entry;
      const now = this.#records.get(identifier)?.Entry;
      if (was !== now) for (const index of this.#indexes) index.update(identifier, was, now);
    }
    return before;
  }

  /** Fold in every held container replica, then the queued edits. */
  #foldStore(): void {
    for (const key of this.#keys.values()) {
      for (const entry of this.#store.getEntries(key.container)) {
        this.#fold(this.#openSealed(key, decoder.decode(entry.data)));
      }
    }
    for (const edit of this.#store.pendingEdits(this.kind.type)) {
      if (edit.key === undefined) continue;
      const record = this.#decode(edit.data);
      this.#fold(record);
      this.#queued.set(edit.seq, { identifier: recordId(record), record });
    }
  }

  /** Overwrite the application keys this catalog holds in memory (it is not used afterwards). */
  wipeKeys(): void {
    for (const key of this.#keys.values()) wipeCatalogKey(key);
    this.#keys.clear();
    this.#current = undefined;
  }

  #useKey(key: CatalogKey): void {
    if (key.type !== this.kind.type) {
      throw new MeshError('INTERNAL', 'an application key of another type');
    }
    const held = this.#keys.get(key.container);
    if (held !== undefined && held.keyId !== key.keyId) {
      throw new MeshError(
        'UNTRUSTED_PROFILE',
        `the ${this.kind.type} application names a container this device holds under another key`,
        { field: 'KeyID', type: this.kind.type },
      );
    }
    if (held === undefined) saveCatalogKey(this.#store, key);
    this.#keys.set(key.container, key);
    this.#current = key;
  }

  /**
   * TOO_LARGE when `record`, sealed, would not fit in one Upload request under the limit this
   * device last learned from Hello (upload-limits.ts); nothing is queued then. Details name the
   * largest field, the limit and the size (payload characters).
   */
  #checkFits(record: CatalogRecord): void {
    const limits = storedUploadLimits(this.#store);
    if (limits === undefined || this.#current === undefined) return;
    const size = sealEntry(this.#current, encodeRecord(record)).length;
    if (size <= limits.maxPayloadBytes) return;
    const body: object = record.Entry ?? record.Settings ?? record.Deleted ?? {};
    let field = 'entry';
    let largest = -1;
    for (const [name, value] of Object.entries(body)) {
      const length = JSON.stringify(value)?.length ?? 0;
      if (length > largest) [field, largest] = [name, length];
    }
    throw new MeshError(
      'TOO_LARGE',
      `this entry is ${size} bytes once sealed; the service accepts ${limits.maxPayloadBytes} in one upload`,
      { field, limit: limits.maxPayloadBytes, size },
    );
  }

  #requireCurrent(): CatalogKey {
    if (this.#current === undefined) {
      throw new MeshError(
        'NOT_A_RECIPIENT',
        `this device does not hold the ${this.kind.type} application key yet`,
        { type: this.kind.type },
      );
    }
    return this.#current;
  }

  #keyOf(container: string): CatalogKey {
    const key = this.#keys.get(container);
    if (key === undefined) {
      throw new MeshError('INTERNAL', `no key for the container ${container}`);
    }
    return key;
  }

  /** A sealed entry opened and decoded; undefined (counted) when a later version wrote it. */
  #openSealed(key: CatalogKey, payload: string): CatalogRecord<E> | undefined {
    const plaintext = openEntry(key, payload);
    try {
      return this.#decode(plaintext);
    } catch (error) {
      if (!isMeshError(error, 'INVALID_MESSAGE')) throw error;
      this.#unreadable++;
      return undefined;
    } finally {
      plaintext.fill(0);
    }
  }

  /** A record read with this catalog's kind: its Entry is checked by the schema E comes from. */
  #decode(bytes: Uint8Array): CatalogRecord<E> {
    return decodeRecord(this.kind, bytes) as CatalogRecord<E>;
  }

  /** Set the state of one entry and tell the indexes when its current version changed. */
  #put(identifier: string, state: CatalogRecord<E>): void {
    const before = this.#records.get(identifier)?.Entry;
    this.#records.set(identifier, state);
    if (before === state.Entry) return;
    for (const index of this.#indexes) index.update(identifier, before, state.Entry);
  }

  #fold(record: CatalogRecord<E> | undefined): void {
    if (record === undefined) return;
    const identifier = recordId(record);
    const before = this.#records.get(identifier);
    this.#records.set(identifier, before ? mergeRecords(before, record) : record);
  }

  #queuedFor(identifier: string): Array<{ seq: number; record: CatalogRecord<E> }> {
    const out: Array<{ seq: number; record: CatalogRecord<E> }> = [];
    for (const [seq, item] of this.#queued) {
      if (item.identifier === identifier) out.push({ seq, record: item.record });
    }
    return out;
  }

  #emit(identifiers: string[], source: 'local' | 'sync'): void {
    if (identifiers.length === 0) return;
    const change: CatalogChange = { type: this.kind.type, identifiers, source };
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is the listener's: the change is committed either way.
      }
    }
  }
}

/** True when two records hold the same current version (history aside). */
function sameVersion(a: CatalogRecord, b: CatalogRecord): boolean {
  if (isDeletion(a) !== isDeletion(b)) return false;
  const sa = a.Entry ?? a.Deleted ?? a.Settings;
  const sb = b.Entry ?? b.Deleted ?? b.Settings;
  return sa.Updated === sb.Updated && sa.UpdatedBy === sb.UpdatedBy;
}

/**
 * `change` without the History versions `previous` already holds (its current version and its
 * History): those are in the container or the queue already.
 */
function withoutKnownHistory<E extends RecordEntry>(
  change: CatalogRecord<E>,
  previous: CatalogRecord<E>,
): CatalogRecord<E> {
  if (change.Entry === undefined || change.Entry.History.length === 0) return change;
  const known = new Set<string>();
  if (previous.Entry !== undefined) {
    known.add(versionIdentity(previous.Entry));
    for (const version of previous.Entry.History) known.add(versionIdentity(version));
  }
  const History = change.Entry.History.filter((version) => !known.has(versionIdentity(version)));
  return { Entry: { ...change.Entry, History } };
}
