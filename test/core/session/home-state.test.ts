// The per-home state of an open device home (electron/core/session/home-state.ts): slots filled
// once, lanes that run one turn at a time, and a close that lets the turns settle and then closes
// the slots in the reverse order they were filled (docs/architecture.md, "One owner per open
// home").
import { describe, expect, it } from 'vitest';
import { HomeSlot, HomeState } from '../../../electron/core/session/home-state';

describe('HomeState', () => {
  it('fills a slot once and keeps it until the home closes', () => {
    const state = new HomeState();
    const slot = new HomeSlot<{ n: number }>('counter');
    const first = state.getOrCreate(slot, () => ({ n: 1 }));
    expect(state.getOrCreate(slot, () => ({ n: 2 }))).toBe(first);
    expect(state.get(slot)).toBe(first);
    state.delete(slot);
    expect(state.get(slot)).toBeUndefined();
  });

  it('runs the turns of one lane one after the other, failures included', async () => {
    const state = new HomeState();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = state.inTurn('sync', async () => {
      order.push('first started');
      await gate;
      order.push('first ended');
      throw new Error('first failed');
    });
    const second = state.inTurn('sync', async () => {
      order.push('second');
      return 2;
    });
    const other = state.inTurn('profile-update', async () => {
      order.push('other lane');
      return 3;
    });
    expect(await other).toBe(3);
    release();
    await expect(first).rejects.toThrow('first failed');
    expect(await second).toBe(2);
    expect(order).toEqual(['first started', 'other lane', 'first ended', 'second']);
  });

  it('closes after the turns in flight, the slots in reverse order, then refuses new state', async () => {
    const state = new HomeState();
    const order: string[] = [];
    const catalogs = new HomeSlot<string>('catalogs', (value) => void order.push(`close ${value}`));
    const hooks = new HomeSlot<string>('hooks', async (value) => {
      order.push(`close ${value}`);
      throw new Error('hook close failed');
    });
    const limits = new HomeSlot<string>('limits', (value) => void order.push(`close ${value}`));
    state.getOrCreate(hooks, () => 'hooks');
    state.getOrCreate(catalogs, () => 'catalogs');
    state.getOrCreate(limits, () => 'limits');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    void state.inTurn('profile-update', async () => {
      await gate;
      order.push('turn ended');
    });
    const closing = state.close();
    release();
    // A failing close does not keep the others open; its error comes at the end.
    await expect(closing).rejects.toThrow('hook close failed');
    expect(order).toEqual(['turn ended', 'close limits', 'close catalogs', 'close hooks']);
    expect(state.get(catalogs)).toBeUndefined();
    expect(() => state.getOrCreate(catalogs, () => 'again')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    await expect(state.inTurn('sync', async () => 1)).rejects.toMatchObject({
      details: { reason: 'closed' },
    });
    await state.close();
  });
});
