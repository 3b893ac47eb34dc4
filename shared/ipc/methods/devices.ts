/**
 * `devices`: the devices of the account - list, rename, remove (docs/core-api.md). Dispatched
 * to `MeshDevice.devices`.
 */
import { z } from 'zod';
import { method, timeSchema, udfSchema } from '../method';

export const deviceSchema = z.strictObject({
  udf: udfSchema,
  name: z.string(),
  /** The device this program runs on. */
  thisDevice: z.boolean(),
  /** When its device profile was signed. */
  updated: timeSchema.nullable(),
});

export const devicesMethods = {
  'devices.list': method(
    z.strictObject({ offline: z.boolean().optional() }).optional(),
    z.array(deviceSchema),
  ),
  /**
   * Give a device a new name. Only a device signs its own device profile
   * (draft-hallambaker-mesh-schema §5.2.2), so the name changed is this device's, on an
   * administrator device (it publishes the new personal profile).
   */
  'devices.rename': method(
    z.strictObject({ udf: udfSchema.optional(), name: z.string().min(1).max(256) }),
    deviceSchema,
  ),
  'devices.remove': method(
    z.strictObject({ udf: udfSchema }),
    z.strictObject({ udf: udfSchema, name: z.string() }),
  ),
} as const;
