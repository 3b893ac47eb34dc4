import { describe, expect, it } from 'vitest';
import type { PasswordEntry } from '../../../shared/apps/password-entry';
import { CATALOG_KINDS } from '../../../electron/core/catalog/catalog-kinds';
import {
  decodeRecord,
  encodeRecord,
  mergeRecords,
  recordKey,
  SETTINGS_ID,
  type CatalogRecord,
} from '../../../electron/core/catalog/catalog-record';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function entry(password: string, updated: string, by = 'DEVICE-A'): PasswordEntry {
  return {
    Identifier: 'entry-1',
    Sites: ['example.com'],
    Username: 'alice',
    Password: password,
    Created: '2025-01-01T00:00:00.000Z',
    Updated: updated,
    UpdatedBy: by,
    History: [],
  };
}

const deletion = (updated: string, by = 'DEVICE-B'): CatalogRecord => ({
  Deleted: { Identifier: 'entry-1', Updated: updated, UpdatedBy: by },
});

describe('catalog records', () => {
  it('merges two versions as the entry model does: the newer wins, the older goes to History', () => {
    const older: CatalogRecord<PasswordEntry> = { Entry: entry('one', '2025-01-02T00:00:00.000Z') };
    const newer: CatalogRecord<PasswordEntry> = {
      Entry: entry('two', '2025-01-03T00:00:00.000Z', 'DEVICE-B'),
    };
    for (const merged of [mergeRecords(older, newer), mergeRecords(newer, older)]) {
      expect(merged.Entry?.Password).toBe('two');
      expect(merged.Entry?.History).toEqual([
        expect.objectContaining({ Password: 'one', UpdatedBy: 'DEVICE-A' }),
      ]);
    }
    expect(recordKey(mergeRecords(older, newer))).toBe(recordKey(mergeRecords(newer, older)));
  });

  it('a deletion and a version: the later wins either way round, the deletion on a tie', () => {
    const version: CatalogRecord = { Entry: entry('one', '2025-01-02T00:00:00.000Z') };
    const later = deletion('2025-01-03T00:00:00.000Z');
    const earlier = deletion('2025-01-01T00:00:00.000Z');
    const tie = deletion('2025-01-02T00:00:00.000Z', 'DEVICE-0');
    expect(mergeRecords(version, later)).toBe(later);
    expect(mergeRecords(later, version)).toBe(later);
    expect(mergeRecords(version, earlier)).toBe(version);
    expect(mergeRecords(earlier, version)).toBe(version);
    expect(mergeRecords(version, tie)).toBe(tie);
    expect(mergeRecords(tie, version)).toBe(tie);
    const other = deletion('2025-01-03T00:00:00.000Z', 'DEVICE-C');
    expect(recordKey(mergeRecords(later, other))).toBe(recordKey(mergeRecords(other, later)));
  });

  it('settings: the later wins, and only kinds with settings read them', () => {
    const settings = (updated: string, neverAsk: string[]): CatalogRecord => ({
      Settings: {
        Identifier: SETTINGS_ID,
        Updated: updated,
        UpdatedBy: 'DEVICE-A',
        NeverAsk: neverAsk,
      },
    });
    const older = settings('2025-01-01T00:00:00.000Z', ['a.example']);
    const newer = settings('2025-01-02T00:00:00.000Z', []);
    expect(mergeRecords(older, newer)).toBe(newer);
    expect(mergeRecords(newer, older)).toBe(newer);
    expect(decodeRecord(CATALOG_KINDS.password, encodeRecord(older))).toEqual(older);
    expect(() => decodeRecord(CATALOG_KINDS.mail, encodeRecord(older))).toThrow(
      expect.objectContaining({
        code: 'INVALID_MESSAGE',
        details: { field: 'Settings', type: 'mail' },
      }),
    );
    const bad = {
      Settings: { Identifier: SETTINGS_ID, Updated: 'x', UpdatedBy: 'D', NeverAsk: [] },
    };
    expect(() => decodeRecord(CATALOG_KINDS.password, bytes(bad))).toThrow(
      expect.objectContaining({ code: 'INVALID_MESSAGE' }),
    );
  });

  it('refuses to merge records of different entries', () => {
    const a: CatalogRecord = { Entry: entry('one', '2025-01-02T00:00:00.000Z') };
    const b: CatalogRecord = {
      Entry: { ...entry('two', '2025-01-02T00:00:00.000Z'), Identifier: 'x' },
    };
    expect(() => mergeRecords(a, b)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('encodes and decodes both forms, checking the entry against its kind', () => {
    const version: CatalogRecord = { Entry: entry('one', '2025-01-02T00:00:00.000Z') };
    const kind = CATALOG_KINDS.password;
    expect(decodeRecord(kind, encodeRecord(version))).toEqual(version);
    const gone = deletion('2025-01-03T00:00:00.000Z');
    expect(decodeRecord(kind, encodeRecord(gone))).toEqual(gone);
  });

  it('does not read records of another shape (a later version, another kind), naming the field and never a value', () => {
    const kind = CATALOG_KINDS.password;
    const cases: Array<[unknown, string]> = [
      [{ Entry: { ...entry('s3cret-value', '2025-01-02T00:00:00.000Z'), Colour: 'red' } }, 'Entry'],
      [{ Entry: { ...entry('s3cret-value', 'yesterday') } }, 'Entry.Updated'],
      [{ Deleted: { Identifier: 'x' } }, 'Deleted.Updated'],
      [{ Entry: {}, Deleted: {} }, ''],
      [{ Settings: {} }, 'Settings'],
      [{ Other: {} }, 'Other'],
      [['s3cret-value'], ''],
    ];
    for (const [value, field] of cases) {
      let caught: unknown;
      try {
        decodeRecord(kind, bytes(value));
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'INVALID_MESSAGE' });
      expect((caught as { details: { field: string } }).details.field.startsWith(field)).toBe(true);
      expect((caught as Error).message).not.toContain('s3cret-value');
    }
    const mail = { Entry: entry('x', '2025-01-02T00:00:00.000Z') };
    expect(() => decodeRecord(CATALOG_KINDS.mail, bytes(mail))).toThrow(
      expect.objectContaining({ code: 'INVALID_MESSAGE' }),
    );
  });
});
