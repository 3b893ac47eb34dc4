import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  contentKey,
  createEntry,
  mergeEntryVersions,
  reviseEntry,
  versionOf,
} from '../../../electron/core/catalog/entry-model';
import { HISTORY_LIMIT } from '../../../shared/apps/entry';
import type { CatalogEntry } from '../../../shared/apps/entry';
import { isMeshError } from '../../../shared/errors';

type Note = { Text: string; Tags?: string[] };

function clock(iso: string): () => Date {
  return () => new Date(iso);
}

const base = createEntry<Note>(
  { Text: 'v1' },
  { deviceUdf: 'DEV-A', now: clock('2024-01-01T00:00:00.000Z'), newIdentifier: () => 'E1' },
);

describe('createEntry / reviseEntry', () => {
  it('stamps identifier, times and device', () => {
    expect(base).toEqual({
      Text: 'v1',
      Identifier: 'E1',
      Created: '2024-01-01T00:00:00.000Z',
      Updated: '2024-01-01T00:00:00.000Z',
      UpdatedBy: 'DEV-A',
      History: [],
    });
  });

  it('moves the previous version into History on an edit', () => {
    const edited = reviseEntry(
      base,
      { Text: 'v2' },
      { deviceUdf: 'DEV-B', now: clock('2024-02-01T00:00:00.000Z') },
    );
    expect(edited.Text).toBe('v2');
    expect(edited.UpdatedBy).toBe('DEV-B');
    expect(edited.Updated).toBe('2024-02-01T00:00:00.000Z');
    expect(edited.Created).toBe(base.Created);
    expect(edited.History).toEqual([versionOf(base)]);
  });

  it('returns the same entry when nothing changes', () => {
    expect(reviseEntry(base, { Text: 'v1' }, { deviceUdf: 'DEV-B' })).toBe(base);
  });

  it('keeps an edit newer than what it edits even when the clock lags', () => {
    const edited = reviseEntry(
      base,
      { Text: 'v2' },
      { deviceUdf: 'DEV-B', now: clock('2023-06-01T00:00:00.000Z') },
    );
    expect(edited.Updated).toBe('2024-01-01T00:00:00.001Z');
  });

  it('keeps at most HISTORY_LIMIT earlier versions, newest first', () => {
    let entry: CatalogEntry<Note> = base;
    for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) {
      entry = reviseEntry(
        entry,
        { Text: `edit ${i}` },
        { deviceUdf: 'DEV-A', now: clock(`2024-03-01T00:00:${String(i).padStart(2, '0')}.000Z`) },
      );
    }
    expect(entry.History).toHaveLength(HISTORY_LIMIT);
    expect(entry.History[0]?.Text).toBe(`edit ${HISTORY_LIMIT + 3}`);
    const times = entry.History.map((v) => Date.parse(v.Updated));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('content keys ignore key order and undefined fields', () => {
    expect(contentKey({ Text: 'a', Tags: ['x'] })).toBe(
      contentKey({ Tags: ['x'], Text: 'a', Extra: undefined }),
    );
    expect(contentKey({ Text: 'a' })).not.toBe(contentKey({ Text: 'b' }));
  });
});

describe('mergeEntryVersions (sync conflict: newer wins, other kept)', () => {
  const onA = reviseEntry(
    base,
    { Text: 'edited on A' },
    { deviceUdf: 'DEV-A', now: clock('2024-05-01T10:00:00.000Z') },
  );
  const onB = reviseEntry(
    base,
    { Text: 'edited on B' },
    { deviceUdf: 'DEV-B', now: clock('2024-05-01T11:00:00.000Z') },
  );

  it('keeps the newer edit current and the other in History', () => {
    const merged = mergeEntryVersions(onA, onB);
    expect(merged.Text).toBe('edited on B');
    expect(merged.UpdatedBy).toBe('DEV-B');
    expect(merged.History.map((v) => v.Text)).toEqual(['edited on A', 'v1']);
  });

  it('gives the same result in either order, merged again, or with itself', () => {
    const ab = mergeEntryVersions(onA, onB);
    expect(mergeEntryVersions(onB, onA)).toEqual(ab);
    expect(mergeEntryVersions(ab, onA)).toEqual(ab);
    expect(mergeEntryVersions(ab, ab)).toEqual(ab);
    expect(mergeEntryVersions(onA, onA)).toEqual(onA);
  });

  it('is associative over three concurrent edits', () => {
    const onC = reviseEntry(
      base,
      { Text: 'edited on C' },
      { deviceUdf: 'DEV-C', now: clock('2024-05-01T10:30:00.000Z') },
    );
    const left = mergeEntryVersions(mergeEntryVersions(onA, onB), onC);
    const right = mergeEntryVersions(onA, mergeEntryVersions(onB, onC));
    const other = mergeEntryVersions(mergeEntryVersions(onC, onA), onB);
    expect(left).toEqual(right);
    expect(left).toEqual(other);
    expect(left.History.map((v) => v.Text)).toEqual(['edited on C', 'edited on A', 'v1']);
  });

  it('breaks a tie in time by device, the same way on both sides', () => {
    const x = reviseEntry(
      base,
      { Text: 'x' },
      { deviceUdf: 'DEV-X', now: clock('2024-06-01T00:00:00.000Z') },
    );
    const y = reviseEntry(
      base,
      { Text: 'y' },
      { deviceUdf: 'DEV-Y', now: clock('2024-06-01T00:00:00.000Z') },
    );
    expect(mergeEntryVersions(x, y).Text).toBe('y');
    expect(mergeEntryVersions(y, x).Text).toBe('y');
    expect(compareVersions(versionOf(y), versionOf(x))).toBeGreaterThan(0);
  });

  it('refuses to merge different entries', () => {
    const other = createEntry<Note>(
      { Text: 'o' },
      { deviceUdf: 'DEV-A', newIdentifier: () => 'E2' },
    );
    expect(() => mergeEntryVersions(base, other)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    try {
      mergeEntryVersions(base, other);
    } catch (error) {
      expect(isMeshError(error)).toBe(true);
    }
  });
});
