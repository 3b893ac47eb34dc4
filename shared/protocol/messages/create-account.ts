/**
 * CreateAccount (draft-hallambaker-mesh-reference-03 section 7.7;
 * draft-hallambaker-mesh-protocol-00 section 10.11): bind a new account name to a signed personal
 * profile. Authenticated by a device the submitted profile lists (docs/protocol.md).
 */
import { z } from 'zod';
import { signedObjectSchema } from '../../profiles/signed-object';
import {
  accountFieldSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';

/**
 * CreateRequest (draft-hallambaker-mesh-reference-03 section 7.7.1; the profile as
 * draft-hallambaker-mesh-protocol-00 section 10.11.1 MeshProfile).
 */
export const createRequestSchema = z.strictObject({
  ...requestBaseShape,
  Account: accountFieldSchema,
  /** The account's SignedPersonalProfile. */
  Profile: signedObjectSchema,
  /** An invitation code, when the service registers by invitation only (docs/protocol.md). */
  Invitation: z.string().min(1).max(256).optional(),
});
export type CreateRequest = z.infer<typeof createRequestSchema>;

/** CreateResponse (draft-hallambaker-mesh-protocol-00 section 10.11.2). */
export const createResponseSchema = z.object({
  ...responseBaseShape,
  Reason: z.string().optional(),
  TransactionID: transactionIdSchema,
});
export type CreateResponse = z.infer<typeof createResponseSchema>;
