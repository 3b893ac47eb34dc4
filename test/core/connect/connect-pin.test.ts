import { describe, expect, it } from 'vitest';
import { parseConnectionUri } from '../../../electron/core/connect/connection-uri';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { startService, TestHomes } from '../harness';
import { serviceForSuite } from '../../support/service-suite';

describe.runIf(keychainInSession)(`connect a device with a PIN${keychainSkipReason}`, () => {
  // The service's clock runs this far ahead of ours (to let PINs expire without waiting).
  let serviceClockOffset = 0;
  const homes = new TestHomes();
  const service = serviceForSuite(
    () => startService({ clock: () => Date.now() + serviceClockOffset }),
    homes,
    () => {
      serviceClockOffset = 0;
    },
  );

  it('approves a request proving the PIN without comparing witnesses; the PIN is single use', async () => {
    const admin = await homes.open('pin-admin');
    await admin.account.create({ address: service.address('ivy'), deviceName: 'desktop' });
    const issued = await admin.connect.issuePin({ expiresInSeconds: 600 });
    expect(issued.pin).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$/);
    const profileUdf = (await admin.account.status()).profileUdf;
    expect(issued.uri).toBe(`mcu://ivy@127.0.0.1:${service.port}/${issued.pin}?udf=${profileUdf}`);
    expect(parseConnectionUri(issued.uri)).toMatchObject({ pin: issued.pin, profileUdf });

    const phone = await homes.open('pin-phone');
    const request = await phone.connect.request({
      address: service.address('ivy'),
      deviceName: 'phone',
      pin: issued.pin.toLowerCase(),
    });
    expect(request.pinVerified).toBe(true);
    const { pending } = await admin.connect.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ deviceName: 'phone', pinVerified: true });

    const accepted = await admin.connect.acceptPins();
    expect(accepted.map((a) => a.deviceName)).toEqual(['phone']);
    expect((await phone.connect.complete({ waitSeconds: 5 })).state).toBe('connected');

    // Used up: another device cannot use it again.
    const other = await homes.open('pin-reuse');
    await expect(
      other.connect.request({ address: service.address('ivy'), pin: issued.pin }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await other.account.status()).state).toBe('unconnected');
  });

  it('connects with the mcu:// URI while the administrator waits for it', async () => {
    const admin = await homes.open('uri-admin');
    await admin.account.create({ address: service.address('jack'), deviceName: 'desktop' });
    const issued = await admin.connect.issuePin();
    const waiting = admin.connect.awaitPin({ pinId: issued.pinId, timeoutSeconds: 20 });
    const tablet = await homes.open('uri-tablet');
    const request = await tablet.connect.request({ address: issued.uri, deviceName: 'tablet' });
    expect(request.pinVerified).toBe(true);
    const accepted = await waiting;
    expect(accepted).toMatchObject({ deviceName: 'tablet', pinVerified: true });
    expect((await tablet.connect.complete({ waitSeconds: 5 })).state).toBe('connected');
  });

  it('refuses a wrong PIN and an expired one, and does not approve a plain request with acceptPinConnections', async () => {
    const admin = await homes.open('bad-admin');
    await admin.account.create({ address: service.address('kate') });
    const issued = await admin.connect.issuePin({ expiresInSeconds: 60 });

    const wrong = await homes.open('bad-wrong');
    await expect(
      wrong.connect.request({
        address: service.address('kate'),
        pin: 'AAAA-BBBB-CCCC-DDDD-EEEE',
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    serviceClockOffset = 120_000; // the PIN has expired for the service (still within the auth window)
    const late = await homes.open('bad-late');
    await expect(
      late.connect.request({ address: service.address('kate'), pin: issued.pin }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    // Back in time, the same PIN works: the refusal above was its expiry.
    serviceClockOffset = 0;
    const inTime = await homes.open('bad-in-time');
    const proven = await inTime.connect.request({
      address: service.address('kate'),
      deviceName: 'in time',
      pin: issued.pin,
    });
    expect(proven.pinVerified).toBe(true);
    await expect(admin.connect.acceptPins()).resolves.toHaveLength(1);

    const plain = await homes.open('bad-plain');
    await plain.connect.request({ address: service.address('kate'), deviceName: 'plain' });
    expect(await admin.connect.acceptPins()).toEqual([]);
    const { pending } = await admin.connect.pending();
    expect(pending.map((p) => [p.deviceName, p.pinVerified])).toEqual([['plain', false]]);
  });

  it('keeps the PIN out of error messages', async () => {
    const device = await homes.open('secret');
    const error = (await device.connect
      .request({ address: 'mcu://not an address/SECRETPIN1234' })
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(error.message).not.toContain('SECRETPIN1234');
  });
});
