import { describe, expect, it } from 'vitest';
import { crashRounds } from './crash-rounds';

describe('local store under SIGKILL', () => {
  it('always opens to a complete old or new state', async () => {
    const survived = await crashRounds(8);
    expect(survived).toBeGreaterThan(0); // the victim did get writes in before dying
  }, 120_000);
});
