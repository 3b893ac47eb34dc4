/**
 * Download (draft-hallambaker-mesh-protocol-00 section 10.7): entries of an account's containers
 * after an index, paged. Authenticated by a device of the account.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  containerEntrySchema,
  containerNameSchema,
  pageKeySchema,
  requestBaseShape,
  responseBaseShape,
} from '../common';
import { dateTimeSchema } from '../date-time';

/**
 * ConstraintsSelect (draft-hallambaker-mesh-protocol-00 section 10.4.2): which entries of one
 * container.
 */
export const constraintsSelectSchema = z.strictObject({
  Container: containerNameSchema,
  IndexMin: z.int().min(1).optional(),
  IndexMax: z.int().min(1).optional(),
  NotBefore: dateTimeSchema.optional(),
  Before: dateTimeSchema.optional(),
  /** From a previous DownloadResponse: continue where it stopped (other fields ignored). */
  PageKey: pageKeySchema.optional(),
});
export type ConstraintsSelect = z.infer<typeof constraintsSelectSchema>;

/**
 * DownloadRequest (draft-hallambaker-mesh-protocol-00 section 10.7.1; ConstraintsData reduced to
 * MaxEntries and MaxBytes).
 */
export const downloadRequestSchema = z.strictObject({
  ...requestBaseShape,
  Account: accountFieldSchema,
  Select: z.array(constraintsSelectSchema).min(1).max(64),
  /** Most entries in the whole response (the service caps it at its page limit). */
  MaxEntries: z.int().min(1).optional(),
  /** Most payload characters in the whole response; at least one entry is always returned. */
  MaxBytes: z.int().min(1).optional(),
});
export type DownloadRequest = z.infer<typeof downloadRequestSchema>;

/** ContainerUpdate as Download returns it (draft-hallambaker-mesh-protocol-00 section 10.4.6). */
export const containerUpdateSchema = z.object({
  Container: z.string(),
  /** The container's last index now; entries beyond the page are fetched with PageKey. */
  Index: z.int().min(0),
  Digest: z.string(),
  Entries: z.array(containerEntrySchema),
  PageKey: pageKeySchema.optional(),
});
export type ContainerUpdate = z.infer<typeof containerUpdateSchema>;

/** DownloadResponse (draft-hallambaker-mesh-protocol-00 section 10.7.2). */
export const downloadResponseSchema = z.object({
  ...responseBaseShape,
  Updates: z.array(containerUpdateSchema),
});
export type DownloadResponse = z.infer<typeof downloadResponseSchema>;
