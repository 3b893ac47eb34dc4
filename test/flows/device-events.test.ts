import { describe, expect, it } from 'vitest';
import { DeviceEvents } from '../../electron/core/session/device-events';
import {
  formatConnectionUri,
  isConnectionUri,
  parseConnectionUri,
} from '../../electron/core/connect/connection-uri';

describe('DeviceEvents', () => {
  it('calls listeners in order, isolates a throwing one, and stops on request', () => {
    const errors: unknown[] = [];
    const events = new DeviceEvents((error) => errors.push(error));
    const seen: string[] = [];
    const stopFirst = events.on('progress', (event) => seen.push(`a:${event.step}`));
    events.on('progress', () => {
      throw new Error('listener fault');
    });
    events.on('progress', (event) => seen.push(`c:${event.step}`));
    events.emit('progress', { operation: 'x', step: 'one' });
    stopFirst();
    events.emit('progress', { operation: 'x', step: 'two' });
    expect(seen).toEqual(['a:one', 'c:one', 'c:two']);
    expect(errors).toHaveLength(2);
    events.clear();
    events.emit('progress', { operation: 'x', step: 'three' });
    expect(seen).toHaveLength(3);
  });

  it('once resolves with the next event, or rejects with CANCELLED', async () => {
    const events = new DeviceEvents();
    const next = events.once('connection-state');
    events.emit('connection-state', { state: 'connected', account: 'a@b', deviceUdf: undefined });
    events.emit('connection-state', { state: 'removed', account: 'a@b', deviceUdf: undefined });
    await expect(next).resolves.toMatchObject({ state: 'connected' });

    const controller = new AbortController();
    const waiting = events.once('profile-updated', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(events.once('profile-updated', controller.signal)).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});

describe('connection URI (mcu://ACCOUNT/PIN)', () => {
  it('round-trips an account and a PIN', () => {
    const uri = formatConnectionUri('Alice@Example.com', 'ABCD-EFGH-JKLM-NPQR-STUV');
    expect(uri).toBe('mcu://alice@example.com/ABCD-EFGH-JKLM-NPQR-STUV');
    expect(isConnectionUri(uri)).toBe(true);
    expect(isConnectionUri('alice@example.com')).toBe(false);
    const parsed = parseConnectionUri(uri);
    expect(parsed.address.text).toBe('alice@example.com');
    expect(parsed.pin).toBe('ABCD-EFGH-JKLM-NPQR-STUV');
    expect(parseConnectionUri('MCU://bob@127.0.0.1:8080/abcd2345').address.port).toBe(8080);
  });

  it('refuses malformed URIs without quoting the PIN', () => {
    for (const bad of [
      'mcu://alice@example.com/',
      'mcu://alice@example.com',
      'mcu:///SECRET2345',
      'mcu://alice@example.com/SE',
      'https://alice@example.com/SECRET2345',
    ]) {
      let error: unknown;
      try {
        parseConnectionUri(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((error as Error).message).not.toContain('SECRET2345');
    }
  });
});
