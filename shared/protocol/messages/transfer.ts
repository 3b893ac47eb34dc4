/**
 * Transfer (draft-hallambaker-mesh-reference-03 section 7.15): paged bulk read of the log between
 * transaction identifiers, for replication, backup and audit. Authorized callers only: a device of
 * an account the service is configured to trust with its log (--transfer-account).
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  checkpointFieldSchema,
  pageKeySchema,
  requestBaseShape,
  responseBaseShape,
  searchConstraintsSchema,
  transactionIdSchema,
} from '../common';
import { dateTimeSchema } from '../date-time';

/**
 * TransferRequest (draft-hallambaker-mesh-reference-03 section 7.15.1, with the transaction range).
 */
export const transferRequestSchema = z.strictObject({
  ...requestBaseShape,
  Account: accountFieldSchema,
  /** First transaction to return (default 1). */
  FromTransaction: transactionIdSchema.optional(),
  /** Last transaction to return (default: the latest). */
  ToTransaction: transactionIdSchema.optional(),
  SearchConstraints: searchConstraintsSchema.optional(),
});
export type TransferRequest = z.infer<typeof transferRequestSchema>;

/** One log record: its position and its exact text (the Merkle leaf is its UTF-8 bytes). */
export const logRecordSchema = z.object({
  TransactionID: transactionIdSchema,
  LeafIndex: z.int().min(0),
  Published: dateTimeSchema,
  Record: z.string(),
});
export type LogRecord = z.infer<typeof logRecordSchema>;

/** TransferResponse (draft-hallambaker-mesh-reference-03 section 7.15.2). */
export const transferResponseSchema = z.object({
  ...responseBaseShape,
  DataItems: z.array(logRecordSchema),
  PageKey: pageKeySchema.optional(),
  /** A checkpoint covering every returned record. */
  Checkpoint: checkpointFieldSchema,
});
export type TransferResponse = z.infer<typeof transferResponseSchema>;
