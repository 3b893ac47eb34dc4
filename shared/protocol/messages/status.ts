/**
 * Status (seed 001 7.10; seed 004 10.6): the latest signed checkpoint of the log, a consistency
 * proof from an earlier tree size, and - when an authenticated device of Account asks - the
 * status of that account's containers. Public without Account.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  containerNameSchema,
  containerStatusSchema,
  proofPathSchema,
  requestBaseShape,
  responseBaseShape,
} from '../common';
import { dateTimeSchema } from '../date-time';

/** StatusRequest (seed 001 7.10.1 with seed 004 10.6.1). */
export const statusRequestSchema = z.strictObject({
  ...requestBaseShape,
  /** With an Authorization by a device of this account: report its containers. */
  Account: accountFieldSchema.optional(),
  /** The tree size of the last checkpoint the client holds: prove the new one extends it. */
  FromTreeSize: z.int().min(0).optional(),
  /** Only these containers (default: all of the account's). */
  Containers: z.array(containerNameSchema).max(256).optional(),
});
export type StatusRequest = z.infer<typeof statusRequestSchema>;

/** A consistency proof between two tree sizes (RFC 9162 2.1.4). */
export const consistencyProofSchema = z.object({
  FromTreeSize: z.int().min(0),
  ToTreeSize: z.int().min(0),
  Path: proofPathSchema,
});

/** StatusResponse (seed 001 7.10.2 with seed 004 10.6.2). */
export const statusResponseSchema = z.object({
  ...responseBaseShape,
  LastWriteTime: dateTimeSchema.optional(),
  LastCheckpointTime: dateTimeSchema,
  NextCheckpointTime: dateTimeSchema,
  /**
   * The signed checkpoint, in its one form: the text of shared/merkle/checkpoint.ts
   * formatCheckpointValue (DESIGN.md section 5), read with parseCheckpointValue.
   */
  CheckpointValue: z.string().max(1024),
  ConsistencyProof: consistencyProofSchema.optional(),
  ContainerStatus: z.array(containerStatusSchema).optional(),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;
