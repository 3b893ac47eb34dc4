// `npm run test:slow` territory: the same kill-and-check as crash.test.ts, 100 times.
import { describe, expect, it } from 'vitest';
import { crashRounds } from './crash-rounds';

describe('local store under SIGKILL, many times', () => {
  it('always opens to a complete old or new state', async () => {
    expect(await crashRounds(100)).toBeGreaterThan(0);
  }, 900_000);
});
