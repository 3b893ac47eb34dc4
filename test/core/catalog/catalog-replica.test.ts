import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PasswordEntry, PasswordEntryContent } from '../../../shared/apps/password-entry';
import { contentOf, createEntry, reviseEntry } from '../../../electron/core/catalog/entry-model';
import {
  listCatalogKeys,
  newCatalogKey,
  type CatalogKey,
} from '../../../electron/core/catalog/application-key';
import { CATALOG_KINDS } from '../../../electron/core/catalog/catalog-kinds';
import { encodeRecord, type CatalogRecord } from '../../../electron/core/catalog/catalog-record';
import { CatalogReplica, type SealedEntry } from '../../../electron/core/catalog/catalog-replica';
import { sealEntry } from '../../../electron/core/catalog/entry-sealing';
import { LocalStore } from '../../../electron/core/store/local-store';
import {
  EMPTY_CONTAINER_DIGEST,
  nextContainerDigest,
} from '../../../shared/protocol/container-digest';
import { memoryKeyStore } from '../store/memory-key-store';

const kind = CATALOG_KINDS.password;
const here = { deviceUdf: 'DEVICE-HERE', now: () => new Date('2025-03-01T10:00:00.000Z') };
const there = { deviceUdf: 'DEVICE-THERE', now: () => new Date('2025-03-01T11:00:00.000Z') };

/** A new version of `entry` with another password, made by `context`'s device. */
function revise(entry: PasswordEntry, password: string, context = here): PasswordEntry {
  return reviseEntry<PasswordEntryContent>(
    entry,
    { ...contentOf<PasswordEntryContent>(entry), Password: password },
    context,
  ) as PasswordEntry;
}

function login(site: string, password: string, context = here): PasswordEntry {
  return createEntry(
    { Sites: [site], Username: 'u', Password: password },
    context,
  ) as PasswordEntry;
}

/** Entries as another device would have uploaded them, at indexes from `first`. */
function sealed(key: CatalogKey, records: CatalogRecord[], first: number): SealedEntry[] {
  return records.map((record, i) => ({
    index: first + i,
    payload: sealEntry(key, encodeRecord(record)),
  }));
}

function positionAfter(container: string, entries: SealedEntry[], digest = EMPTY_CONTAINER_DIGEST) {
  let d = digest;
  for (const entry of entries) d = nextContainerDigest(d, entry.payload);
  return {
    container,
    index: entries.at(-1)?.index ?? 0,
    digest: d,
    updated: '2025-03-01T12:00:00Z',
  };
}

describe('a catalog replica', () => {
  let directory: string;
  let store: LocalStore;
  const keyStore = memoryKeyStore();
  let key: CatalogKey;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mesh-replica-'));
    store = await LocalStore.open({ path: join(directory, 'store.db'), keyStore });
    key = newCatalogKey('password', 'application-1');
  });
  afterEach(async () => {
    store.close();
    await rm(directory, { recursive: true, force: true });
  });

  const load = (current: CatalogKey | undefined = key) =>
    CatalogReplica.load(store, kind, listCatalogKeys(store), current);

  it('keeps local edits queued in the store, and folds them back in when reopened', () => {
    const replica = load();
    expect(listCatalogKeys(store).map((k) => k.container)).toEqual([key.container]);
    const a = login('a.example', 'one');
    replica.change([{ Entry: a }, { Entry: login('b.example', 'two') }]);
    replica.change([{ Entry: revise(a, 'three', here) }]);
    expect(replica.pendingCount).toBe(2);
    expect(store.pendingEdits('password')).toHaveLength(3);

    const again = load();
    expect(again.pendingCount).toBe(2);
    expect(again.record(a.Identifier)?.Entry).toMatchObject({ Password: 'three' });
    expect(again.entries()).toHaveLength(2);
    // Each version is queued on its own, in order, without the History the catalog holds.
    const batch = again.nextUpload(1_000_000, 1000)!;
    expect(batch.container).toBe(key.container);
    expect(batch.items.map((item) => item.identifier)).toEqual([
      a.Identifier,
      expect.any(String),
      a.Identifier,
    ]);
    const queued = store
      .pendingEdits('password')
      .map((edit) => JSON.parse(new TextDecoder().decode(edit.data)) as CatalogRecord);
    expect(queued[2]?.Entry).toMatchObject({ Password: 'three', History: [] });
    expect(again.record(a.Identifier)?.Entry?.History).toHaveLength(1);
    expect(again.nextUpload(1_000_000, 2)?.items).toHaveLength(2);
  });

  it('takes in downloaded entries with their position in one commit, and reports conflicts with queued edits', () => {
    const replica = load();
    const original = login('shared.example', 'original');
    const first = sealed(key, [{ Entry: original }], 1);
    replica.ingest(key.container, first, positionAfter(key.container, first));
    expect(replica.position(key.container)?.index).toBe(1);

    const mine = revise(original, 'mine', here);
    replica.change([{ Entry: mine }]);
    const theirs = revise(original, 'theirs', there);
    const second = sealed(key, [{ Entry: theirs }], 2);
    const changes: string[][] = [];
    replica.onChange((change) => changes.push([...change.identifiers]));
    const taken = replica.ingest(
      key.container,
      second,
      positionAfter(key.container, second, replica.position(key.container)!.digest),
    );
    expect(taken.conflicts).toEqual([
      { type: 'password', identifier: original.Identifier, kept: 'remote' },
    ]);
    expect(changes).toEqual([[original.Identifier]]);
    const state = replica.record(original.Identifier)!.Entry!;
    expect(state).toMatchObject({ Password: 'theirs' });
    expect(state.History.map((v) => (v as { Password?: string }).Password).sort()).toEqual([
      'mine',
      'original',
    ]);
    // The merged state is still queued: it holds "mine", which the service does not have.
    expect(replica.pendingCount).toBe(1);
  });

  it('keeps an index current itself: local changes, downloads, and the store read again', () => {
    const replica = load();
    const a = login('a.example', 'one');
    replica.change([{ Entry: a }]);
    const heard: Array<[string, string | undefined, string | undefined]> = [];
    const stop = replica.index({
      update: (identifier, before, after) =>
        heard.push([identifier, before?.Password, after?.Password]),
    });
    expect(heard).toEqual([[a.Identifier, undefined, 'one']]);

    replica.change([{ Entry: revise(a, 'two', here) }]);
    const b = login('b.example', 'from there', there);
    const page = sealed(key, [{ Entry: b }], 1);
    replica.ingest(key.container, page, positionAfter(key.container, page));
    expect(heard.slice(1)).toEqual([
      [a.Identifier, 'one', 'two'],
      [b.Identifier, undefined, 'from there'],
    ]);

    // Another process with the home open deletes b: read again, only b's change is heard.
    const elsewhere = load();
    elsewhere.change([
      {
        Deleted: { Identifier: b.Identifier, Updated: '2025-03-02T00:00:00.000Z', UpdatedBy: 'X' },
      },
    ]);
    heard.length = 0;
    replica.reload(listCatalogKeys(store));
    expect(heard).toEqual([[b.Identifier, 'from there', undefined]]);
    expect(replica.entries().map((entry) => entry.Password)).toEqual(['two']);

    stop();
    replica.change([{ Entry: revise(replica.entry(a.Identifier)!, 'three', here) }]);
    expect(heard).toHaveLength(1);
  });

  it('drops a queued edit when the service turns out to hold it (an upload whose answer was lost)', () => {
    const replica = load();
    const entry = login('lost.example', 'x');
    replica.change([{ Entry: entry }]);
    const echoed = sealed(key, [{ Entry: entry }], 1);
    const taken = replica.ingest(key.container, echoed, positionAfter(key.container, echoed));
    expect(taken.conflicts).toEqual([]);
    expect(replica.pendingCount).toBe(0);
    expect(store.pendingEdits('password')).toEqual([]);
  });

  it('after a key rotation, carries over records the new container lacks and forgets the old one', () => {
    const replica = load();
    const a = login('a.example', 'a');
    const b = login('b.example', 'b');
    const old = sealed(key, [{ Entry: a }, { Entry: b }], 1);
    replica.ingest(key.container, old, positionAfter(key.container, old));

    const next = newCatalogKey('password', 'application-1');
    replica.useKey(next);
    // The administrator re-encrypted only `a` (b reached the old container too late).
    const fresh = sealed(next, [{ Entry: a }], 1);
    replica.ingest(next.container, fresh, positionAfter(next.container, fresh));
    expect(replica.previousContainers).toEqual([key.container]);
    expect(replica.migrate()).toBe(1);
    expect(replica.nextUpload(1_000_000, 1000)?.items.map((item) => item.identifier)).toEqual([
      b.Identifier,
    ]);
    expect(replica.previousContainers).toEqual([]);
    expect(store.getEntries(key.container)).toEqual([]);
    expect(listCatalogKeys(store).map((k) => k.container)).toEqual([next.container]);
    // Reopened, the state is the same.
    const again = load(next);
    expect(
      again
        .entries()
        .map((e) => e.Identifier)
        .sort(),
    ).toEqual([a.Identifier, b.Identifier].sort());
  });

  it('overwrites the keys it holds when told to, and cannot seal afterwards', () => {
    const replica = load();
    replica.change([{ Entry: login('w.example', 'w') }]);
    const held = replica.currentKey!;
    replica.wipeKeys();
    expect(held.key.every((byte) => byte === 0)).toBe(true);
    expect(() => replica.nextUpload(1000, 10)).toThrow(
      expect.objectContaining({ code: 'NOT_A_RECIPIENT' }),
    );
  });

  it('skips (and counts) records a later version wrote, and refuses altered ones', () => {
    const replica = load();
    const future = { Entry: { ...login('f.example', 'f'), Colour: 'red' } };
    const payload = sealEntry(key, new TextEncoder().encode(JSON.stringify(future)));
    const entries = [{ index: 1, payload }];
    replica.ingest(key.container, entries, positionAfter(key.container, entries));
    expect(replica.unreadable).toBe(1);
    expect(replica.entries()).toEqual([]);
    const altered = [{ index: 2, payload: payload.slice(0, -4) + 'AAAA' }];
    expect(() =>
      replica.ingest(key.container, altered, positionAfter(key.container, altered)),
    ).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
    expect(replica.position(key.container)?.index).toBe(1);
  });

  it('reads again what another connection to the store committed (reload)', async () => {
    // A second connection to the same file: another process with the home open.
    const other = await LocalStore.open({ path: join(directory, 'store.db'), keyStore });
    try {
      const mine = load();
      const theirs = CatalogReplica.load(other, kind, listCatalogKeys(other), key);
      const heard: string[][] = [];
      mine.onChange((change) => heard.push([...change.identifiers]));

      const a = login('a.example', 'one', there);
      theirs.change([{ Entry: a }]);
      expect(store.changedElsewhere()).toBe(true);
      expect(mine.record(a.Identifier)).toBeUndefined(); // memory is behind the store
      mine.reload(listCatalogKeys(store));
      expect(mine.record(a.Identifier)?.Entry).toMatchObject({ Password: 'one' });
      expect(mine.pendingCount).toBe(1);
      expect(heard).toEqual([[a.Identifier]]);

      // The other uploads the queued edit: here it leaves the queue too, so it is not sent twice.
      const batch = theirs.nextUpload(1_000_000, 1000)!;
      theirs.uploaded(batch, [1], positionAfter(key.container, sealed(key, [{ Entry: a }], 1)));
      mine.reload(listCatalogKeys(store));
      expect(mine.pendingCount).toBe(0);
      expect(mine.nextUpload(1_000_000, 1000)).toBeUndefined();
      expect(heard).toHaveLength(1); // the entry itself did not change

      // A deletion there is a removal here.
      theirs.change([
        {
          Deleted: {
            Identifier: a.Identifier,
            Updated: '2025-03-02T00:00:00.000Z',
            UpdatedBy: there.deviceUdf,
          },
        },
      ]);
      mine.reload(listCatalogKeys(store));
      expect(mine.entries()).toEqual([]);
      expect(heard.at(-1)).toEqual([a.Identifier]);
    } finally {
      other.close();
    }
  });
});
