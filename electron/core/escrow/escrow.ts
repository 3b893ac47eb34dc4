/**
 * Escrow the master seed as k-of-n shares (docs/architecture.md sections 4 and 7, "Escrow and
 * recover"; draft-hallambaker-mathematical-mesh-protocols-00 "key recovery"): the seed regenerates
 * every master key, so any k shares restore the root of trust and administration; fewer reveal
 * nothing. The shares are shown once, to be written down or printed; this device does not keep
 * them.
 */
import { MeshError } from '../../../shared/errors';
import { udfMatches } from '../../../shared/udf';
import { splitSecret } from '../crypto/escrow-shares';
import { SECRET_NAMES } from '../keystore/key-store';
import type { DeviceContext } from '../session/device-context';
import { deriveMasterKeys, wipeMasterKeys } from '../profile/master-keys';

/** The shares of one split, with what they restore. */
export interface EscrowShares {
  /** Type-144 share UDFs, one per share (secret: hand each to its keeper). */
  readonly shares: readonly string[];
  readonly threshold: number;
  /** UDF of the master profile the shares restore. */
  readonly profileUdf: string;
}

/**
 * Split this device's master seed into `shares` shares, any `threshold` of which rebuild it
 * (2 <= threshold <= shares <= 15). UNAUTHORIZED when this device does not keep the master seed;
 * STORE_CORRUPT when the seed it keeps is not the account's.
 */
export async function createEscrowShares(
  context: DeviceContext,
  options: { shares: number; threshold: number },
): Promise<EscrowShares> {
  const binding = context.requireAccount();
  const seed = await context.keyStore.get(SECRET_NAMES.masterSeed);
  if (seed === undefined) {
    throw new MeshError(
      'UNAUTHORIZED',
      'this device does not keep the master seed: make escrow shares on the device that created the account or recovered it',
      { reason: 'no-master-seed' },
    );
  }
  try {
    const keys = deriveMasterKeys(seed);
    const masterUdf = keys.sign.udf;
    wipeMasterKeys(keys);
    if (!udfMatches(masterUdf, binding.profileUdf)) {
      throw new MeshError(
        'STORE_CORRUPT',
        'the master seed in the key store is not the one of this account',
        { reason: 'master-seed' },
      );
    }
    const shares = await splitSecret(seed, options);
    return { shares, threshold: options.threshold, profileUdf: binding.profileUdf };
  } finally {
    seed.fill(0);
  }
}
