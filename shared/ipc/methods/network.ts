/**
 * `network`: network profiles (draft-hallambaker-mesh-schema §5.9): DNS services, search
 * prefixes and Web PKI roots per site (docs/core-api.md). Dispatched to `MeshDevice.network`.
 */
import { z } from 'zod';
import { connectionSchema } from '../../apps/connection';
import { method, noRequest, timeSchema } from '../method';
import { connectionViewSchema } from './mail';

const id = z.string().min(1).max(256);

export const networkProfileSchema = z.strictObject({
  id,
  sites: z.array(z.string()),
  dns: z.array(connectionViewSchema),
  prefix: z.array(z.string()),
  webPki: z.array(z.string()),
  hasCtl: z.boolean(),
  updated: timeSchema,
});

const profileInput = {
  sites: z.array(z.string().min(1).max(2000)).max(100).optional(),
  dns: z.array(connectionSchema).max(20).optional(),
  prefix: z.array(z.string().min(1).max(300)).max(50).optional(),
  /** Certificate Trust List, base64url. */
  ctl: z.string().max(1_000_000).optional(),
  webPki: z.array(z.string().min(1).max(256)).max(1000).optional(),
};

export const networkMethods = {
  'network.list': method(noRequest, z.array(networkProfileSchema)),
  'network.add': method(z.strictObject(profileInput), networkProfileSchema),
  'network.update': method(
    z.strictObject({ id, changes: z.strictObject(profileInput) }),
    networkProfileSchema,
  ),
  'network.delete': method(z.strictObject({ id }), z.strictObject({ id })),
} as const;
