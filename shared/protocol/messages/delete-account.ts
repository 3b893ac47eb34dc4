/**
 * DeleteAccount (draft-hallambaker-mesh-protocol-00 section 10.12): close an account. Authenticated
 * by one of its devices.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';

/** DeleteRequest (draft-hallambaker-mesh-protocol-00 section 10.12.1). */
export const deleteRequestSchema = z.strictObject({
  ...requestBaseShape,
  Account: accountFieldSchema,
});
export type DeleteRequest = z.infer<typeof deleteRequestSchema>;

/** DeleteResponse (draft-hallambaker-mesh-protocol-00 section 10.12.2). */
export const deleteResponseSchema = z.object({
  ...responseBaseShape,
  TransactionID: transactionIdSchema,
});
export type DeleteResponse = z.infer<typeof deleteResponseSchema>;
