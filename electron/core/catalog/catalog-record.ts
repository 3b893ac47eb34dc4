/**
 * What one catalog entry in a container says (docs/architecture.md sections 3 and 7 "Sync"): a
 * version of an entry - `{"Entry": {...}}`, the entry with its metadata (and the History versions
 * that are not in the container already) as the apps schemas define it; its deletion -
 * `{"Deleted": {"Identifier", "Updated", "UpdatedBy"}}`; or the application's settings -
 * `{"Settings": {"Identifier": "#settings", "Updated", "UpdatedBy", ...}}`
 * (draft-hallambaker-mesh-reference-03 section 5.7.2 NeverAsk and AutoGenerate for passwords).
 * Containers are append-only, so an entry's state is the merge of every record about it: two
 * versions merge as the entry model says (the newer Updated wins, the other stays in History); a
 * version and a deletion, or two settings: the later one wins (a deletion on a tie).
 */
import { z } from 'zod';
import type { CatalogEntry } from '../../../shared/apps/entry';
import { timestampSchema } from '../../../shared/apps/entry';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { MeshError } from '../../../shared/errors';
import { canonicalJson, mergeEntryVersions } from './entry-model';
import type { CatalogKind } from './catalog-kinds';

/** An entry of any kind, as the record layer sees it. */
export type RecordEntry = CatalogEntry<object>;

/** The Identifier of an application's settings record (never an entry's: those are UUIDs). */
export const SETTINGS_ID = '#settings';

/** A deletion: which entry, when, by which device. */
export interface Deletion {
  readonly Identifier: string;
  readonly Updated: string;
  readonly UpdatedBy: string;
}

/** An application's settings: when, by which device, and the kind's fields. */
export interface ApplicationSettings {
  readonly Identifier: typeof SETTINGS_ID;
  readonly Updated: string;
  readonly UpdatedBy: string;
  readonly [field: string]: unknown;
}

/** A record: a version of an entry, its deletion, or the application's settings. */
export type CatalogRecord<E extends RecordEntry = RecordEntry> =
  | { readonly Entry: E; readonly Deleted?: undefined; readonly Settings?: undefined }
  | { readonly Deleted: Deletion; readonly Entry?: undefined; readonly Settings?: undefined }
  | {
      readonly Settings: ApplicationSettings;
      readonly Entry?: undefined;
      readonly Deleted?: undefined;
    };

const deletionSchema = z.strictObject({
  Identifier: z.string().min(1).max(256),
  Updated: timestampSchema,
  UpdatedBy: z.string().min(1).max(256),
});

/** The fields every settings record has, besides the kind's own. */
export const settingsStampShape = {
  Identifier: z.literal(SETTINGS_ID),
  Updated: timestampSchema,
  UpdatedBy: z.string().min(1).max(256),
} as const;

/** The metadata of a record (what its Identifier, Updated and UpdatedBy are). */
function stampOf(record: CatalogRecord): Deletion {
  return record.Entry ?? record.Deleted ?? record.Settings;
}

/** The Identifier of the entry a record is about (SETTINGS_ID for settings). */
export function recordId(record: CatalogRecord): string {
  return stampOf(record).Identifier;
}

/** True when the record is a deletion. */
export function isDeletion<E extends RecordEntry>(
  record: CatalogRecord<E>,
): record is { Deleted: Deletion } {
  return record.Deleted !== undefined;
}

/** Equal exactly when two records say the same thing. */
export function recordKey(record: CatalogRecord): string {
  return canonicalJson(record);
}

/**
 * The merge of two records about the same entry (module comment). Versions merge with
 * mergeEntryVersions; otherwise the later (Updated, then UpdatedBy, then content) wins, a
 * deletion over a version on a tie, so every device picks the same.
 */
export function mergeRecords<E extends RecordEntry>(
  a: CatalogRecord<E>,
  b: CatalogRecord<E>,
): CatalogRecord<E> {
  if (recordId(a) !== recordId(b)) {
    throw new MeshError('INVALID_ARGUMENT', 'only records of the same entry can be merged', {
      field: 'Identifier',
    });
  }
  if (a.Entry && b.Entry) return { Entry: mergeEntryVersions(a.Entry, b.Entry) as E };
  const sa = stampOf(a);
  const sb = stampOf(b);
  const ta = Date.parse(sa.Updated);
  const tb = Date.parse(sb.Updated);
  if (ta !== tb) return ta > tb ? a : b;
  if (a.Deleted && !b.Deleted) return a;
  if (b.Deleted && !a.Deleted) return b;
  if (sa.UpdatedBy !== sb.UpdatedBy) return sa.UpdatedBy > sb.UpdatedBy ? a : b;
  return recordKey(a) >= recordKey(b) ? a : b;
}

/** The UTF-8 JSON of a record, as it is sealed. */
export function encodeRecord(record: CatalogRecord): Uint8Array {
  const value = record.Entry
    ? { Entry: record.Entry }
    : record.Deleted
      ? { Deleted: record.Deleted }
      : { Settings: record.Settings };
  return utf8Encode(JSON.stringify(value));
}

/**
 * A record from its UTF-8 JSON, the entry (or settings) checked against the kind's schema.
 * INVALID_MESSAGE (naming the field, never a value) when it is not a record of this kind - e.g.
 * one written by a later version of Mesh with fields this one does not know.
 */
export function decodeRecord(kind: CatalogKind, bytes: Uint8Array): CatalogRecord {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(bytes));
  } catch {
    throw malformed(kind, '');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(kind, '');
  const keys = Object.keys(value);
  if (keys.length !== 1) throw malformed(kind, '');
  const body = (value as Record<string, unknown>)[keys[0]!];
  if (keys[0] === 'Deleted') {
    const parsed = deletionSchema.safeParse(body);
    if (!parsed.success) throw malformed(kind, pathOf(parsed.error, 'Deleted'));
    return { Deleted: parsed.data };
  }
  if (keys[0] === 'Entry') {
    const parsed = kind.schema.safeParse(body);
    if (!parsed.success) throw malformed(kind, pathOf(parsed.error, 'Entry'));
    return { Entry: parsed.data as RecordEntry };
  }
  if (keys[0] === 'Settings' && kind.settingsSchema !== undefined) {
    const parsed = kind.settingsSchema.safeParse(body);
    if (!parsed.success) throw malformed(kind, pathOf(parsed.error, 'Settings'));
    return { Settings: parsed.data as ApplicationSettings };
  }
  throw malformed(kind, keys[0] ?? '');
}

function pathOf(error: z.ZodError, prefix: string): string {
  const path = error.issues[0]?.path.map(String).join('.');
  return path ? `${prefix}.${path}` : prefix;
}

function malformed(kind: CatalogKind, field: string): MeshError {
  return new MeshError(
    'INVALID_MESSAGE',
    `a ${kind.noun} in the catalog is not one this version of Mesh reads${field ? ` (${field})` : ''}`,
    { field, type: kind.type },
  );
}
