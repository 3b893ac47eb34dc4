/**
 * ConnectStatus (draft-hallambaker-mesh-reference-03 section 7.12): the requesting device asks what
 * became of its request, waiting up to WaitSeconds for the answer (long poll). Authenticated by the
 * requesting device's own DeviceAuthenticationKey, the one in its pending request.
 */
import { z } from 'zod';
import { signedObjectSchema } from '../../profiles/signed-object';
import { accountFieldSchema, requestBaseShape, responseBaseShape } from '../common';

/** ConnectStatusRequest (draft-hallambaker-mesh-reference-03 section 7.12.1). */
export const connectStatusRequestSchema = z.strictObject({
  ...requestBaseShape,
  AccountID: accountFieldSchema,
  /** UDF of the requesting device's profile. */
  DeviceID: z.string().min(1).max(256),
  /** Wait up to this long for the answer (capped by Hello's Limits.MaxWaitSeconds). */
  WaitSeconds: z.number().min(0).max(3600).optional(),
});
export type ConnectStatusRequest = z.infer<typeof connectStatusRequestSchema>;

/** ConnectStatusResponse (draft-hallambaker-mesh-reference-03 section 7.12.2). */
export const connectStatusResponseSchema = z.object({
  ...responseBaseShape,
  /** True while no administrator has answered. */
  Pending: z.boolean(),
  /** The SignedConnectionResult, once answered. */
  Result: signedObjectSchema.optional(),
});
export type ConnectStatusResponse = z.infer<typeof connectStatusResponseSchema>;
