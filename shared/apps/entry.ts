import { z } from 'zod';

/**
 * What every entry of an application catalog carries besides its content
 * (draft-hallambaker-mesh-reference-03 section 5.1.1 Entry, docs/architecture.md section 3): a
 * stable Identifier, when it was created and last changed, the UDF of the device that made the
 * current version, and the earlier versions that a later edit or a sync conflict superseded (newest
 * first).
 */

/** Earlier versions kept per entry; older ones fall off so an entry stays small to sync. */
export const HISTORY_LIMIT = 20;

/** An RFC 3339 time instant in UTC, as `Date.prototype.toISOString()` writes it. */
export const timestampSchema = z.iso.datetime();

/** The UDF of the device profile that made a version (any UDF text; checked by the core). */
export const deviceUdfSchema = z.string().min(1).max(256);

/** Entry metadata fields (PascalCase as in draft-hallambaker-mesh-reference-03). */
export const entryMetadataShape = {
  /**
   * Globally unique, constant for the lifetime of the entry (draft-hallambaker-mesh-reference-03
   * section 5.1.1).
   */
  Identifier: z.string().min(1).max(256),
  Created: timestampSchema,
  /** The time of the current version: the newer Updated wins a conflict. */
  Updated: timestampSchema,
  /** UDF of the device that made the current version. */
  UpdatedBy: deviceUdfSchema,
} as const;

/**
 * Builds the schema of one kind of catalog entry from the schema of its content: the content
 * fields, the metadata, and History, whose items are earlier contents with their own Updated
 * and UpdatedBy (no nested history).
 */
export function catalogEntrySchema<Shape extends z.ZodRawShape>(content: Shape) {
  const version = z.strictObject({
    ...content,
    Updated: timestampSchema,
    UpdatedBy: deviceUdfSchema,
  });
  return z.strictObject({
    ...content,
    ...entryMetadataShape,
    History: z.array(version).max(HISTORY_LIMIT).default([]),
  });
}

/** The metadata part of any catalog entry, as the entry model reads it. */
export type EntryMetadata = {
  Identifier: string;
  Created: string;
  Updated: string;
  UpdatedBy: string;
};

/** One earlier version of an entry whose content is `Content`. */
export type EntryVersion<Content> = Content & { Updated: string; UpdatedBy: string };

/** A catalog entry: content, metadata and history. */
export type CatalogEntry<Content> = Content &
  EntryMetadata & {
    History: EntryVersion<Content>[];
  };
