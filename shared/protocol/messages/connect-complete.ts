/**
 * ConnectComplete (draft-hallambaker-mesh-reference-03 section 7.14): an administrator posts the
 * signed answer to a pending request. The result must be signed by an administration key of the
 * profile (an online signature key); an Accepted result needs the published profile to list the
 * device already. Authenticated by a device of the account.
 */
import { z } from 'zod';
import { signedObjectSchema } from '../../profiles/signed-object';
import {
  accountFieldSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';

/** ConnectCompleteRequest (draft-hallambaker-mesh-reference-03 section 7.14.1). */
export const connectCompleteRequestSchema = z.strictObject({
  ...requestBaseShape,
  AccountID: accountFieldSchema,
  /** SignedConnectionResult. */
  Result: signedObjectSchema,
});
export type ConnectCompleteRequest = z.infer<typeof connectCompleteRequestSchema>;

/** ConnectCompleteResponse (draft-hallambaker-mesh-reference-03 section 7.14.2). */
export const connectCompleteResponseSchema = z.object({
  ...responseBaseShape,
  TransactionID: transactionIdSchema,
});
export type ConnectCompleteResponse = z.infer<typeof connectCompleteResponseSchema>;
