/**
 * `escrow`: recovery shares of the master seed - make them, check one as it is typed, recover an
 * account from them, and when they were last made (docs/core-api.md). Dispatched to
 * `MeshDevice.escrow`. The shares are the one secret that crosses: each is handed to its keeper,
 * and none alone reveals the seed.
 */
import { z } from 'zod';
import { method, noRequest, timeSchema, udfSchema } from '../method';
import { administeredAccountSchema } from './account';

export const escrowMethods = {
  'escrow.makeShares': method(
    z.strictObject({
      shares: z.number().int().min(2).max(15),
      threshold: z.number().int().min(2).max(15),
    }),
    z.strictObject({
      shares: z.array(z.string().min(1)),
      threshold: z.number().int(),
      profileUdf: udfSchema,
      madeAt: timeSchema,
    }),
  ),
  'escrow.checkShare': method(
    z.strictObject({ share: z.string().max(1000) }),
    z.strictObject({
      valid: z.boolean(),
      /** Shares needed to recover, as this share says. */
      threshold: z.number().int().nullable(),
      /** Why not, in the core's words (INVALID_SHARE's message). */
      problem: z.string().nullable(),
    }),
  ),
  'escrow.recover': method(
    z.strictObject({
      address: z.string().min(1).max(1000),
      shares: z.array(z.string().min(1).max(1000)).min(1).max(15),
      deviceName: z.string().max(256).optional(),
    }),
    administeredAccountSchema,
  ),
  'escrow.status': method(
    noRequest,
    z.strictObject({
      /** This device keeps the master seed, so it can make shares. */
      canMakeShares: z.boolean(),
      /** When shares were last made on this device, and how. */
      lastMadeAt: timeSchema.nullable(),
      shares: z.number().int().nullable(),
      threshold: z.number().int().nullable(),
    }),
  ),
} as const;
