/**
 * `--shares N --threshold K`, as taken by the commands that split a secret into k-of-n escrow
 * shares (`mesh account escrow`, `mesh key share`; docs/architecture.md section 4, "Shares").
 */
import { MAX_SHARES } from '../../core/crypto/escrow-shares';
import { integerOption } from '../command';

/** The two options, both required. */
export const shareCountOptions = {
  shares: {
    type: 'string',
    value: 'N',
    required: true,
    description: `number of shares, 2 to ${MAX_SHARES}`,
  },
  threshold: {
    type: 'string',
    value: 'K',
    required: true,
    description: 'shares needed to recover, 2 to N',
  },
} as const;

/** The share count and threshold as numbers, each 2 to MAX_SHARES (a usage error otherwise). */
export function shareCounts(options: {
  readonly shares?: string | undefined;
  readonly threshold?: string | undefined;
}): { shares: number; threshold: number } {
  return {
    shares: integerOption(options.shares, 'shares', { min: 2, max: MAX_SHARES }),
    threshold: integerOption(options.threshold, 'threshold', { min: 2, max: MAX_SHARES }),
  };
}
