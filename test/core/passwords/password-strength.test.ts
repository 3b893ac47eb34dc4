import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../../electron/core/passwords/password-generator';
import { estimateStrength } from '../../../electron/core/passwords/password-strength';

describe('estimateStrength (zxcvbn-ts)', () => {
  it('rates a common password 0 and says why', async () => {
    const estimate = await estimateStrength('password');
    expect(estimate.score).toBe(0);
    expect(estimate.guessesLog10).toBeLessThan(2);
    expect(estimate.feedback.warning).toMatch(/used password/i);
    expect(estimate.feedback.suggestions.length).toBeGreaterThan(0);
    expect(estimate.crackTimeDisplay).toBe('less than a second');
  });

  it('rates a generated password 4', async () => {
    const estimate = await estimateStrength(generatePassword({ length: 20 }).secret);
    expect(estimate.score).toBe(4);
    expect(estimate.guessesLog10).toBeGreaterThan(12);
    expect(estimate.crackTimes.offlineSlowHash).toBe('centuries');
    expect(estimate.feedback.warning).toBeNull();
  });

  it('counts the site and user name as known to the attacker', async () => {
    const alone = await estimateStrength('margaretha1987');
    const known = await estimateStrength('margaretha1987', ['margaretha', 'example.com']);
    expect(known.guessesLog10).toBeLessThan(alone.guessesLog10);
  });

  it('orders crack times from online throttled (slowest) to offline fast', async () => {
    const estimate = await estimateStrength('Tr0ub4dor&3');
    expect(Object.keys(estimate.crackTimes)).toEqual([
      'onlineThrottled',
      'onlineUnthrottled',
      'offlineSlowHash',
      'offlineFastHash',
    ]);
    expect(estimate.crackTimes.offlineFastHash).not.toBe(estimate.crackTimes.onlineThrottled);
  });

  it('answers concurrent first calls from one load', async () => {
    const results = await Promise.all(['a', 'bb', 'ccc'].map((p) => estimateStrength(p)));
    expect(results.map((r) => r.score)).toEqual([0, 0, 0]);
  });
});
