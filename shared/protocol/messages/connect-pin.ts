/**
 * ConnectPin (docs/architecture.md section 7; draft-hallambaker-mesh-protocol-00 section 8.2): an
 * administrator device registers a one-time PIN for the PIN/QR connection flow: its PinID, the
 * service verification key derived from it (shared/profiles/pin.ts) and an expiry. Authenticated by
 * a device of the account.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';
import { dateTimeSchema } from '../date-time';

/** ConnectPinRequest. */
export const connectPinRequestSchema = z.strictObject({
  ...requestBaseShape,
  AccountID: accountFieldSchema,
  /** derivePinKeys(pin).pinId. */
  PinID: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be base64url of 16 bytes'),
  /** base64url of derivePinKeys(pin).serviceKey (32 bytes). */
  PinKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be base64url of 32 bytes'),
  Expires: dateTimeSchema,
});
export type ConnectPinRequest = z.infer<typeof connectPinRequestSchema>;

/** ConnectPinResponse. */
export const connectPinResponseSchema = z.object({
  ...responseBaseShape,
  Expires: dateTimeSchema,
  TransactionID: transactionIdSchema,
});
export type ConnectPinResponse = z.infer<typeof connectPinResponseSchema>;
