/**
 * ConnectPending (draft-hallambaker-mesh-reference-03 section 7.13): an administrator device lists
 * the account's unanswered connection requests. Authenticated by a device of the account.
 */
import { z } from 'zod';
import { signedObjectSchema } from '../../profiles/signed-object';
import {
  accountFieldSchema,
  pageKeySchema,
  requestBaseShape,
  responseBaseShape,
  searchConstraintsSchema,
  transactionIdSchema,
} from '../common';
import { dateTimeSchema } from '../date-time';

/** ConnectPendingRequest (draft-hallambaker-mesh-reference-03 section 7.13.1). */
export const connectPendingRequestSchema = z.strictObject({
  ...requestBaseShape,
  AccountID: accountFieldSchema,
  SearchConstraints: searchConstraintsSchema.optional(),
  /**
   * Long poll (like ConnectStatus): hold the answer up to this long (capped by Hello's
   * Limits.MaxWaitSeconds) while no unanswered request newer than After is waiting.
   */
  WaitSeconds: z.number().min(0).max(3600).optional(),
  /** With WaitSeconds: the newest request's TransactionID the caller has seen already. */
  After: z.int().min(0).optional(),
});
export type ConnectPendingRequest = z.infer<typeof connectPendingRequestSchema>;

/** One unanswered request, with what the administrator needs to recompute the witness. */
export const pendingConnectionSchema = z.object({
  DeviceID: z.string(),
  /** The ConnectStart transaction that made the request (orders requests; see After). */
  TransactionID: transactionIdSchema,
  SignedRequest: signedObjectSchema,
  ServerNonce: z.string(),
  /** The service's witness; the administrator recomputes it and never trusts this one. */
  Witness: z.string(),
  PinID: z.string().optional(),
  PinVerified: z.boolean(),
  Received: dateTimeSchema,
  Expires: dateTimeSchema,
});
export type PendingConnection = z.infer<typeof pendingConnectionSchema>;

/** ConnectPendingResponse (draft-hallambaker-mesh-reference-03 section 7.13.2). */
export const connectPendingResponseSchema = z.object({
  ...responseBaseShape,
  Pending: z.array(pendingConnectionSchema),
  PageKey: pageKeySchema.optional(),
});
export type ConnectPendingResponse = z.infer<typeof connectPendingResponseSchema>;
