import { describe, expect, it } from 'vitest';
import { DeviceEvents } from '../../../electron/core/session/device-events';
import {
  formatConnectionUri,
  isConnectionUri,
  parseConnectionUri,
} from '../../../electron/core/connect/connection-uri';
import { utf8Encode } from '../../../shared/encoding/utf8';
import { udfFromData } from '../../../shared/udf';

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

describe('connection URI (mcu://ACCOUNT/PIN?udf=PROFILE)', () => {
  const profileUdf = udfFromData(utf8Encode('a master profile'), 'application/mmm');
  it('round-trips an account, a PIN and the master profile fingerprint', () => {
    const uri = formatConnectionUri('Alice@Example.com', 'ABCD-EFGH-JKLM-NPQR-STUV', profileUdf);
    expect(uri).toBe(`mcu://alice@example.com/ABCD-EFGH-JKLM-NPQR-STUV?udf=${profileUdf}`);
    expect(isConnectionUri(uri)).toBe(true);
    expect(isConnectionUri('alice@example.com')).toBe(false);
    const parsed = parseConnectionUri(uri);
    expect(parsed.address.text).toBe('alice@example.com');
    expect(parsed.pin).toBe('ABCD-EFGH-JKLM-NPQR-STUV');
    expect(parsed.profileUdf).toBe(profileUdf);
    // Without the fingerprint (the PIN alone binds the profile then).
    const bare = parseConnectionUri('MCU://bob@127.0.0.1:8080/abcd2345');
    expect(bare.address.port).toBe(8080);
    expect(bare.profileUdf).toBeUndefined();
  });

  it('refuses a fingerprint that is malformed, repeated or shorter than 100 bits', () => {
    const base = 'mcu://alice@example.com/ABCD-EFGH-JKLM-NPQR-STUV';
    const short = profileUdf.split('-').slice(0, 4).join('-');
    for (const query of [
      '?udf=not-a-udf',
      `?udf=${profileUdf}&udf=${profileUdf}`,
      `?udf=${short}`,
    ]) {
      expect(() => parseConnectionUri(base + query), query).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'uri.udf' } }),
      );
    }
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
