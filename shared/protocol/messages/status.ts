/**
 * Status (draft-hallambaker-mesh-reference-03 section 7.10; draft-hallambaker-mesh-protocol-00
 * section 10.6): the latest signed checkpoint of the log, a consistency proof from an earlier tree
 * size, and - when an authenticated device of Account asks - the status of that account's
 * containers. Public without Account.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  containerEntrySchema,
  containerNameSchema,
  containerStatusSchema,
  requestBaseShape,
  responseBaseShape,
} from '../common';
import { dateTimeSchema } from '../date-time';
import { MAX_PROOF_HASHES } from '../../merkle/hash-encoding';
import { HASH_SIZE } from '../../merkle/hashing';

/**
 * StatusRequest (draft-hallambaker-mesh-reference-03 section 7.10.1 with
 * draft-hallambaker-mesh-protocol-00 section 10.6.1).
 */
export const statusRequestSchema = z.strictObject({
  ...requestBaseShape,
  /** With an Authorization by a device of this account: report its containers. */
  Account: accountFieldSchema.optional(),
  /** The tree size of the last checkpoint the client holds: prove the new one extends it. */
  FromTreeSize: z.int().min(0).optional(),
  /** Only these containers (default: all of the account's). */
  Containers: z.array(containerNameSchema).max(256).optional(),
  /**
   * The last index this device holds of some containers (ours, docs/protocol.md "Status"): the
   * answer's ContainerStatus then carries the entries after it, when they are few, saving the
   * Download that would follow.
   */
  Since: z
    .array(z.strictObject({ Container: containerNameSchema, Index: z.int().min(0) }))
    .max(64)
    .optional(),
});
export type StatusRequest = z.infer<typeof statusRequestSchema>;

/**
 * A consistency proof between two tree sizes (RFC 9162 2.1.4): in a Status answer, from the
 * request's FromTreeSize to the answer's checkpoint. The service no longer repeats the two sizes
 * (docs/protocol.md "Status"); when present they must be those. Path is the proof's hashes as
 * one text (shared/merkle/hash-encoding.ts encodeProofText / decodeProofText).
 */
export const consistencyProofSchema = z.object({
  FromTreeSize: z.int().min(0).optional(),
  ToTreeSize: z.int().min(0).optional(),
  Path: z.string().max(Math.ceil((MAX_PROOF_HASHES * HASH_SIZE * 4) / 3)),
});

/**
 * How many entries, and payload characters, a Status answer carries in all for its Since
 * containers; a container whose new entries do not all fit gets none (the device downloads it).
 */
export const STATUS_SINCE_MAX_ENTRIES = 16;
export const STATUS_SINCE_MAX_CHARS = 16_384;

/**
 * ContainerStatus in a Status answer: with Entries, every entry after the request's Since index
 * of this container up to Index (ours, docs/protocol.md "Status").
 */
export const statusContainerSchema = containerStatusSchema.extend({
  Entries: z.array(containerEntrySchema).max(STATUS_SINCE_MAX_ENTRIES).optional(),
});
export type StatusContainer = z.infer<typeof statusContainerSchema>;

/**
 * StatusResponse (draft-hallambaker-mesh-reference-03 section 7.10.2 with
 * draft-hallambaker-mesh-protocol-00 section 10.6.2).
 */
export const statusResponseSchema = z.object({
  ...responseBaseShape,
  /** No longer sent (docs/protocol.md "Status"): no client used it; the schema still reads it. */
  LastWriteTime: dateTimeSchema.optional(),
  /**
   * Seed 001 7.10.2's checkpoint times, no longer sent (docs/protocol.md "Status"): the time of
   * the checkpoint is the signed Timestamp inside CheckpointValue, and this service makes a
   * checkpoint whenever one is asked for, so there is no next one to announce.
   */
  LastCheckpointTime: dateTimeSchema.optional(),
  NextCheckpointTime: dateTimeSchema.optional(),
  /**
   * The signed checkpoint, in its one form: the text of shared/merkle/checkpoint.ts
   * formatCheckpointValue (docs/architecture.md section 5), read with parseCheckpointValue.
   */
  CheckpointValue: z.string().max(1024),
  ConsistencyProof: consistencyProofSchema.optional(),
  ContainerStatus: z.array(statusContainerSchema).optional(),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;
