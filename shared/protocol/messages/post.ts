/**
 * Post (draft-hallambaker-mesh-protocol-00 section 10.9): deliver messages to the inbound spool
 * (mmm_Inbound) of accounts on this service. Authenticated by a device of the sending Account.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  entryResponseSchema,
  entryUploadSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';

/** PostRequest (draft-hallambaker-mesh-protocol-00 section 10.9.1). */
export const postRequestSchema = z.strictObject({
  ...requestBaseShape,
  /** The sender. */
  Account: accountFieldSchema,
  /** The recipients (draft-hallambaker-mesh-protocol-00 Accounts). */
  Accounts: z.array(accountFieldSchema).min(1).max(64),
  Message: z.array(entryUploadSchema).min(1).max(1000),
});
export type PostRequest = z.infer<typeof postRequestSchema>;

/** PostResponse (draft-hallambaker-mesh-protocol-00 section 10.9.2, inherits UploadResponse). */
export const postResponseSchema = z.object({
  ...responseBaseShape,
  Entries: z.array(entryResponseSchema),
  TransactionID: transactionIdSchema,
});
export type PostResponse = z.infer<typeof postResponseSchema>;
