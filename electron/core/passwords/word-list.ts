import { dictionary } from '@zxcvbn-ts/language-common';
import { MeshError } from '../../../shared/errors';

/**
 * The word list passphrases are drawn from: the EFF large word list (7,776 words, five dice per
 * word; eff.org/dice, CC BY 3.0 US). @zxcvbn-ts/language-common, a dependency we already ship
 * for strength estimates, carries it as its `diceware-common` dictionary, so there is no second
 * copy to keep; we check at load that it is the list we expect.
 */

/** Number of words in the EFF large word list (6^5). */
export const EFF_LARGE_WORD_COUNT = 7776;

let words: readonly string[] | undefined;

/** The EFF large word list, loaded and checked once. */
export function effLargeWordList(): readonly string[] {
  if (words) return words;
  const list = dictionary['diceware-common'];
  const distinct = new Set(list);
  if (
    list.length !== EFF_LARGE_WORD_COUNT ||
    distinct.size !== EFF_LARGE_WORD_COUNT ||
    !list.every((word) => /^[a-z]{3,9}$/.test(word))
  ) {
    throw new MeshError('STORE_CORRUPT', 'The passphrase word list is not the EFF large list.', {
      words: list.length,
    });
  }
  words = Object.freeze([...list]);
  return words;
}
