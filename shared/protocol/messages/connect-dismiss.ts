/**
 * ConnectDismiss (an extension beside draft-hallambaker-mesh-protocol section 7.13, see
 * docs/protocol.md): an administrator device dismisses pending connection requests at once,
 * every unproven one (no PIN proof) or the ones it names, so that requests made by strangers
 * who know only the account's name stop taking room. Authenticated by a device of the account.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';

/** ConnectDismissRequest: `Unproven: true`, or the DeviceIDs to dismiss, or both. */
export const connectDismissRequestSchema = z
  .strictObject({
    ...requestBaseShape,
    AccountID: accountFieldSchema,
    /** Dismiss every pending request that did not prove a PIN. */
    Unproven: z.boolean().optional(),
    /** Dismiss these pending requests (device profile UDFs), proven or not. */
    DeviceIDs: z.array(z.string().min(1).max(256)).max(1000).optional(),
  })
  .refine((request) => request.Unproven === true || (request.DeviceIDs?.length ?? 0) > 0, {
    message: 'give Unproven: true or at least one DeviceID',
    path: ['Unproven'],
  });
export type ConnectDismissRequest = z.infer<typeof connectDismissRequestSchema>;

/** ConnectDismissResponse: how many requests were dismissed (TransactionID when any was). */
export const connectDismissResponseSchema = z.object({
  ...responseBaseShape,
  Dismissed: z.int().min(0),
  TransactionID: transactionIdSchema.optional(),
});
export type ConnectDismissResponse = z.infer<typeof connectDismissResponseSchema>;
