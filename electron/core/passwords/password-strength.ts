import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * Password strength estimates (docs/architecture.md section 12) with zxcvbn-ts, the maintained
 * TypeScript port of Dropbox's zxcvbn: it finds dictionary words, names, keyboard patterns, dates
 * and repeats, and estimates how many guesses an attacker needs. The dictionaries (several MB)
 * are imported the first time an estimate is asked for, once per process.
 */

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export type StrengthEstimate = {
  /** 0 too guessable, 1 very guessable, 2 somewhat, 3 safely unguessable, 4 very unguessable. */
  score: StrengthScore;
  /** log10 of the estimated number of guesses. */
  guessesLog10: number;
  /** Time to crack offline against a slow hash (10^4 guesses/s), e.g. "3 centuries". */
  crackTimeDisplay: string;
  /** Crack times under the four attack models zxcvbn assumes. */
  crackTimes: {
    onlineThrottled: string;
    onlineUnthrottled: string;
    offlineSlowHash: string;
    offlineFastHash: string;
  };
  feedback: { warning: string | null; suggestions: string[] };
};

let factory: Promise<ZxcvbnFactory> | undefined;

async function loadFactory(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory: Factory }, common, english] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  return new Factory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
  });
}

/** The estimator, built once; a failed load is retried on the next call. */
function estimator(): Promise<ZxcvbnFactory> {
  if (!factory) {
    factory = loadFactory().catch((error: unknown) => {
      factory = undefined;
      throw error;
    });
  }
  return factory;
}

/**
 * Estimates how hard `password` is to guess (docs/architecture.md section 12). `userInputs` are
 * words an attacker would try first for this entry: the site, the user name, the user's name.
 */
export async function estimateStrength(
  password: string,
  userInputs: readonly string[] = [],
): Promise<StrengthEstimate> {
  const zxcvbn = await estimator();
  const result = zxcvbn.check(password, [...userInputs]);
  const times = result.crackTimes;
  return {
    score: result.score,
    guessesLog10: result.guessesLog10,
    crackTimeDisplay: times.offlineSlowHashingXPerSecond.display,
    crackTimes: {
      onlineThrottled: times.onlineThrottlingXPerHour.display,
      onlineUnthrottled: times.onlineNoThrottlingXPerSecond.display,
      offlineSlowHash: times.offlineSlowHashingXPerSecond.display,
      offlineFastHash: times.offlineFastHashingXPerSecond.display,
    },
    feedback: { warning: result.feedback.warning, suggestions: [...result.feedback.suggestions] },
  };
}
