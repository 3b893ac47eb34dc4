/**
 * ConnectStart (draft-hallambaker-mesh-reference-03 section 7.11;
 * draft-hallambaker-mesh-protocol-00 section 10.10; docs/architecture.md section 7): a new device
 * asks to join an account. The request carries its own signature (the device's); the service adds a
 * server nonce and answers the witness and the account's current personal profile.
 */
import { z } from 'zod';
import { signedObjectSchema } from '../../profiles/signed-object';
import { accountFieldSchema, requestBaseShape, responseBaseShape } from '../common';
import { dateTimeSchema } from '../date-time';

/** ConnectStartRequest (draft-hallambaker-mesh-reference-03 section 7.11.1). */
export const connectStartRequestSchema = z.strictObject({
  ...requestBaseShape,
  AccountID: accountFieldSchema,
  /** SignedConnectionRequest, signed by the requesting device's DeviceSignatureKey. */
  SignedRequest: signedObjectSchema,
});
export type ConnectStartRequest = z.infer<typeof connectStartRequestSchema>;

/**
 * ConnectStartResponse (draft-hallambaker-mesh-reference-03 section 7.11.2 with
 * draft-hallambaker-mesh-protocol-00 section 10.10.2).
 */
export const connectStartResponseSchema = z.object({
  ...responseBaseShape,
  /** The service's nonce (a nonce UDF) bound into the witness. */
  ServerNonce: z.string(),
  /** The witness (docs/architecture.md section 4) as the service computed it. */
  Witness: z.string(),
  /** The account's current SignedPersonalProfile. */
  Profile: signedObjectSchema,
  /**
   * True when the request proved a registered PIN (auto-approvable, docs/architecture.md section
   * 7).
   */
  PinVerified: z.boolean(),
  /** When the request lapses if nobody answers it. */
  Expires: dateTimeSchema,
});
export type ConnectStartResponse = z.infer<typeof connectStartResponseSchema>;
