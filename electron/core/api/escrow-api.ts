/**
 * `device.escrow` (docs/core-api.md): k-of-n shares of the master seed, one share checked as it
 * is typed, recovery onto a fresh home, and when shares were last made here (kept in the local
 * store's settings: the shares themselves are never stored).
 */
import { z } from 'zod';
import { isMeshError } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/protocol/date-time';
import { checkShare } from '../crypto/escrow-shares';
import { createEscrowShares } from '../device/escrow';
import { recoverAccount } from '../device/recover';
import { SECRET_NAMES } from '../keystore/key-store';
import type { ApiGroup, DeviceCore } from './group';

/** The setting recording the last shares made here (not the shares). */
const ESCROW_SETTING = 'escrow-shares-made';
const madeSchema = z.strictObject({
  madeAt: z.string(),
  shares: z.number().int(),
  threshold: z.number().int(),
});

export function escrowApi(core: DeviceCore): ApiGroup<'escrow'> {
  const { context } = core;
  return {
    async makeShares(request) {
      const made = await createEscrowShares(context, request);
      const madeAt = formatDateTime(context.now());
      context.store.setSetting(ESCROW_SETTING, {
        madeAt,
        shares: made.shares.length,
        threshold: made.threshold,
      });
      return {
        shares: [...made.shares],
        threshold: made.threshold,
        profileUdf: made.profileUdf,
        madeAt,
      };
    },

    async checkShare(request) {
      try {
        const { threshold } = checkShare(request.share);
        return { valid: true, threshold, problem: null };
      } catch (error) {
        if (!isMeshError(error, 'INVALID_SHARE')) throw error;
        return { valid: false, threshold: null, problem: error.message };
      }
    },

    async recover(request, options = {}) {
      const recovered = await recoverAccount(context, {
        address: await core.address(request.address),
        shares: request.shares,
        deviceName: request.deviceName,
        signal: options.signal,
      });
      return { ...recovered };
    },

    async status() {
      const made = context.store.getSetting(ESCROW_SETTING, madeSchema);
      let canMakeShares = false;
      if (context.account() !== undefined) {
        const seed = await context.keyStore.get(SECRET_NAMES.masterSeed);
        canMakeShares = seed !== undefined;
        seed?.fill(0);
      }
      return {
        canMakeShares,
        lastMadeAt: made?.madeAt ?? null,
        shares: made?.shares ?? null,
        threshold: made?.threshold ?? null,
      };
    },
  };
}
