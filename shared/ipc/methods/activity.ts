/**
 * `activity`: what changed on the account, newest first, from what this device holds: catalog
 * entries added, changed and deleted (with the device that did it) and personal profile
 * versions (docs/core-api.md). Dispatched to `MeshDevice.activity`.
 */
import { z } from 'zod';
import { method, timeSchema, udfSchema } from '../method';

export const activityItemSchema = z.strictObject({
  time: timeSchema,
  /** Which part of the account. */
  kind: z.enum(['password', 'mail', 'network', 'profile']),
  action: z.enum(['added', 'changed', 'deleted', 'published']),
  /** What it is about: an entry's title or address, or the profile's UDF. Never a secret. */
  subject: z.string(),
  /** The device that made the change, when known. */
  deviceUdf: udfSchema.nullable(),
  deviceName: z.string().nullable(),
});

export const activityMethods = {
  'activity.list': method(
    z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }).optional(),
    z.array(activityItemSchema),
  ),
} as const;
