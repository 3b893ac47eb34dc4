/**
 * `devices`: the devices of the account - list, rename, remove, setRole (docs/core-api.md).
 * Dispatched to `MeshDevice.devices`.
 */
import { z } from 'zod';
import { method, timeSchema, udfSchema } from '../method';
import { roleSchema } from './connect';

export const deviceSchema = z.strictObject({
  udf: udfSchema,
  name: z.string(),
  /** The device this program runs on. */
  thisDevice: z.boolean(),
  /** When its device profile was signed. */
  updated: timeSchema.nullable(),
  /** administrator or member (docs/device-flows.md "Roles"). */
  role: roleSchema,
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
  /**
   * Make a device an administrator (it receives the online signing key) or a member. Demoting
   * another administrator replaces the online signing key, which takes the master key: UNAUTHORIZED
   * (reason needs-master-key) elsewhere; the last administrator stays (INVALID_ARGUMENT, reason
   * last-administrator).
   */
  'devices.setRole': method(
    z.strictObject({ udf: udfSchema, role: roleSchema }),
    z.strictObject({
      udf: udfSchema,
      name: z.string(),
      role: roleSchema,
      /** False when the device had that role already. */
      changed: z.boolean(),
      /** The online signing key was replaced. */
      rotated: z.boolean(),
    }),
  ),
} as const;
