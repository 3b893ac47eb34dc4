import { describe, expect, it } from 'vitest';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { startService, TestHomes } from '../harness';
import { serviceForSuite } from '../../support/service-suite';

describe.runIf(keychainInSession)(`MeshDevice events${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('announces each new pending request once and accepts PIN requests while it watches', async () => {
    const admin = await homes.open('watch-admin');
    await admin.account.create({ address: service.address('walt'), deviceName: 'desktop' });
    const announced: string[] = [];
    admin.on('pending-connection', (event) => announced.push(event.deviceName));
    const controller = new AbortController();
    const errors: unknown[] = [];
    const watching = admin.watchPendingConnections({
      intervalMs: 50,
      signal: controller.signal,
      onError: (error) => errors.push(error),
    });

    const phone = await homes.open('watch-phone');
    const next = admin.once('pending-connection');
    const request = await phone.connect.request({
      address: service.address('walt'),
      deviceName: 'phone',
    });
    const event = await next;
    expect(event).toMatchObject({
      deviceName: 'phone',
      deviceUdf: request.deviceUdf,
      witness: request.witness,
      pinVerified: false,
    });

    const issued = await admin.connect.issuePin();
    const tablet = await homes.open('watch-tablet');
    await tablet.connect.request({ address: issued.uri, deviceName: 'tablet' });
    expect((await tablet.connect.complete({ waitSeconds: 10 })).state).toBe('connected');

    // A later request is announced in a later round, in which the phone was not announced again.
    const third = await homes.open('watch-third');
    const later = admin.once('pending-connection');
    await third.connect.request({ address: service.address('walt'), deviceName: 'third' });
    expect((await later).deviceName).toBe('third');
    controller.abort();
    await watching;
    expect(announced).toEqual(['phone', 'third']);
    expect(errors).toEqual([]);
    expect((await admin.devices.list()).map((d) => d.name)).toEqual(['desktop', 'tablet']);
  });
});
