/**
 * What one catalog entry in a container says (DESIGN.md sections 3 and 7 "Sync"): either a
 * version of an entry - `{"Entry": {...}}`, the entry with its metadata and history as the apps
 * schemas define it - or its deletion - `{"Deleted": {"Identifier", "Updated", "UpdatedBy"}}`.
 * Containers are append-only, so an entry's state is the merge of every record about it:
 * two versions merge as the entry model says (the newer Updated wins, the other stays in
 * History); a version and a deletion: the later one wins, the deletion on a tie.
 */
import { z } from 'zod';
import type { CatalogEntry } from '../../../shared/apps/entry';
import { timestampSchema } from '../../../shared/apps/entry';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { MeshError } from '../../../shared/errors';
import { canonicalJson, mergeEntryVersions } from '../apps/entry-model';
import type { CatalogKind } from './catalog-kinds';

/** An entry of any kind, as the record layer sees it. */
export type RecordEntry = CatalogEntry<object>;

/** A deletion: which entry, when, by which device. */
export interface Deletion {
  readonly Identifier: string;
  readonly Updated: string;
  readonly UpdatedBy: string;
}

/** A record: a version of an entry, or its deletion. */
export type CatalogRecord<E extends RecordEntry = RecordEntry> =
  | { readonly Entry: E; readonly Deleted?: undefined }
  | { readonly Deleted: Deletion; readonly Entry?: undefined };

const deletionSchema = z.strictObject({
  Identifier: z.string().min(1).max(256),
  Updated: timestampSchema,
  UpdatedBy: z.string().min(1).max(256),
});

/** The Identifier of the entry a record is about. */
export function recordId(record: CatalogRecord): string {
  return record.Entry ? record.Entry.Identifier : record.Deleted.Identifier;
}

/** When the record's version was made, and by whom. */
function versionStamp(record: CatalogRecord): { time: number; by: string } {
  const stamp = record.Entry ?? record.Deleted;
  return { time: Date.parse(stamp.Updated), by: stamp.UpdatedBy };
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
 * mergeEntryVersions; otherwise the later (Updated, then UpdatedBy) wins, a deletion on a tie.
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
  const sa = versionStamp(a);
  const sb = versionStamp(b);
  if (sa.time !== sb.time) return sa.time > sb.time ? a : b;
  if (a.Deleted && !b.Deleted) return a;
  if (b.Deleted && !a.Deleted) return b;
  if (sa.by !== sb.by) return sa.by > sb.by ? a : b;
  return a;
}

/** The UTF-8 JSON of a record, as it is sealed. */
export function encodeRecord(record: CatalogRecord): Uint8Array {
  return utf8Encode(
    JSON.stringify(record.Entry ? { Entry: record.Entry } : { Deleted: record.Deleted }),
  );
}

/**
 * A record from its UTF-8 JSON, the entry checked against the kind's schema. INVALID_MESSAGE
 * (naming the field, never a value) when it is not a record of this kind - e.g. one written by a
 * later version of Mesh with fields this one does not know.
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
  if (keys[0] === 'Deleted') {
    const parsed = deletionSchema.safeParse((value as { Deleted: unknown }).Deleted);
    if (!parsed.success) throw malformed(kind, pathOf(parsed.error, 'Deleted'));
    return { Deleted: parsed.data };
  }
  if (keys[0] === 'Entry') {
    const parsed = kind.schema.safeParse((value as { Entry: unknown }).Entry);
    if (!parsed.success) throw malformed(kind, pathOf(parsed.error, 'Entry'));
    return { Entry: parsed.data as RecordEntry };
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
