/**
 * `connect`: joining a device to an account - the new device's request, its answer, and the
 * administrator device's pending list, accept, reject and one-time PINs (docs/core-api.md).
 * Dispatched to `MeshDevice.connect`.
 */
import { z } from 'zod';
import { method, noRequest, timeSchema, udfSchema } from '../method';

/** A request this device sent, as sent. */
export const connectionRequestSchema = z.strictObject({
  address: z.string().min(1),
  profileUdf: udfSchema,
  deviceUdf: udfSchema,
  deviceName: z.string(),
  /** The witness to compare with the administrator device's. */
  witness: z.string().min(1),
  pinVerified: z.boolean(),
  expires: timeSchema,
});

/** One verified pending request (the `pendingApproval` event announces new ones). */
export const pendingConnectionSchema = z.strictObject({
  /** Short name to type: the first groups of the device UDF. */
  id: z.string().min(1),
  deviceUdf: udfSchema,
  deviceName: z.string(),
  /** The witness recomputed on this device. */
  witness: z.string().min(1),
  /** The service's witness equals the one recomputed here. */
  serviceWitnessAgrees: z.boolean(),
  pinVerified: z.boolean(),
  received: timeSchema,
  expires: timeSchema,
});

/** What a device may do for the account (docs/device-flows.md "Roles"). */
export const roleSchema = z.enum(['administrator', 'member']);

/** A request accepted: the device joined the account as `role`. */
const acceptedSchema = z.strictObject({
  deviceUdf: udfSchema,
  deviceName: z.string(),
  witness: z.string().min(1),
  pinVerified: z.boolean(),
  profileUdf: udfSchema,
  role: roleSchema,
});

const selector = z.strictObject({
  /** The request's id, device UDF or witness. */
  selector: z.string().min(1).max(300),
});

export const connectMethods = {
  'connect.request': method(
    z.strictObject({
      /** `local@service`, `local` alone (the default service), or an `mcu://` URI. */
      address: z.string().min(1).max(2000),
      deviceName: z.string().max(256).optional(),
      pin: z.string().max(200).optional(),
    }),
    connectionRequestSchema,
  ),
  'connect.complete': method(
    z.strictObject({ waitSeconds: z.number().int().min(0).max(3600).optional() }).optional(),
    z.strictObject({
      state: z.enum(['connected', 'refused', 'expired', 'requested']),
      address: z.string().min(1),
      deviceUdf: udfSchema,
      profileUdf: udfSchema,
      witness: z.string().min(1),
    }),
  ),
  /** Forget the request this device sent (nothing is sent to the service). */
  'connect.cancel': method(noRequest, z.strictObject({ cancelled: z.boolean() })),
  'connect.pending': method(
    noRequest,
    z.strictObject({
      pending: z.array(pendingConnectionSchema),
      /** Requests that did not verify: not shown as approvable. */
      unverifiable: z.array(z.strictObject({ deviceId: z.string(), problem: z.string() })),
    }),
  ),
  /**
   * Accept a request; `role` (default member) is what the new device may do: an administrator
   * approves, removes and changes the roles of devices (docs/device-flows.md "Roles").
   */
  'connect.accept': method(selector.extend({ role: roleSchema.optional() }), acceptedSchema),
  /**
   * Accept every pending request that proves a PIN this device issued (its PinAdminProof checked
   * here; docs/architecture.md section 7, "Connect with a PIN or QR code"), as the pending watch
   * also does by itself.
   */
  'connect.acceptPins': method(noRequest, z.array(acceptedSchema)),
  /**
   * Wait up to `timeoutSeconds` for a request proving the PIN `pinId` (from connect.issuePin) and
   * accept it; TIMEOUT (reason pin-unused) when none came, the PIN staying valid.
   */
  'connect.awaitPin': method(
    z.strictObject({
      pinId: z.string().min(1).max(200),
      timeoutSeconds: z.number().int().min(1).max(86_400),
    }),
    acceptedSchema,
  ),
  'connect.reject': method(
    selector,
    z.strictObject({ deviceUdf: udfSchema, deviceName: z.string(), witness: z.string().min(1) }),
  ),
  'connect.issuePin': method(
    z
      .strictObject({ expiresInSeconds: z.number().int().min(60).max(86_400).optional() })
      .optional(),
    z.strictObject({
      /** The PIN in groups of four: shown to the person who connects the new device. */
      pin: z.string().min(1),
      /** `mcu://ACCOUNT/PIN`, for a QR code. */
      uri: z.string().min(1),
      pinId: z.string().min(1),
      expires: timeSchema,
    }),
  ),
} as const;
