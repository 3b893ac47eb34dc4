import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { startService, TestHomes } from '../harness';
import { serviceForSuite } from '../../support/service-suite';

describe.runIf(keychainInSession)(`connect a device by witness${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('connects a new device: the same witness on both, completion within a second of the acceptance', async () => {
    const admin = await homes.open('admin');
    const created = await admin.account.create({
      address: service.address('erin'),
      deviceName: 'desktop',
    });
    const phone = await homes.open('phone');
    const request = await phone.connect.request({
      address: service.address('erin'),
      deviceName: 'phone',
    });
    expect(request.witness).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$/);
    expect(request.profileUdf).toBe(created.profileUdf);
    expect((await phone.account.status()).state).toBe('requested');

    const { pending, unverifiable } = await admin.connect.pending();
    expect(unverifiable).toEqual([]);
    expect(pending).toHaveLength(1);
    const [entry] = pending;
    expect(entry).toMatchObject({
      deviceName: 'phone',
      deviceUdf: request.deviceUdf,
      witness: request.witness,
      serviceWitnessAgrees: true,
      pinVerified: false,
    });

    const states: string[] = [];
    phone.on('connection-state', (event) => states.push(event.state));
    const completing = phone.connect.complete({ waitSeconds: 20 }).then((outcome) => ({
      outcome,
      at: performance.now(),
    }));
    const acceptStarted = performance.now();
    const accepted = await admin.connect.accept({ selector: request.witness });
    const acceptDone = performance.now();
    const { outcome, at } = await completing;
    expect(accepted).toMatchObject({ deviceUdf: request.deviceUdf, deviceName: 'phone' });
    expect(outcome.state).toBe('connected');
    const afterPost = at - acceptDone;
    const afterClick = at - acceptStarted;
    console.log(
      `connect by witness: connected ${afterPost.toFixed(1)} ms after ConnectComplete returned, ${afterClick.toFixed(1)} ms after accept started`,
    );
    expect(afterPost).toBeLessThan(1000);
    expect(states).toEqual(['connected']);

    const phoneStatus = await phone.account.status({ refresh: true });
    expect(phoneStatus).toMatchObject({
      state: 'connected',
      role: 'device',
      profileUdf: created.profileUdf,
      devices: 2,
    });
    const names = (await phone.devices.list()).map((device) => [device.name, device.thisDevice]);
    expect(names).toEqual([
      ['desktop', false],
      ['phone', true],
    ]);
    expect((await admin.connect.pending()).pending).toEqual([]);
    // The phone is not an administrator: it cannot approve or remove devices.
    await expect(phone.devices.remove({ udf: created.deviceUdf })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'not-administrator' },
    });
  });

  it('with three homes: accepts one by ID, refuses the other by witness, and each learns its answer', async () => {
    const admin = await homes.open('admin3');
    await admin.account.create({ address: service.address('frank'), deviceName: 'desktop' });
    const laptop = await homes.open('laptop');
    const tablet = await homes.open('tablet');
    const laptopRequest = await laptop.connect.request({
      address: service.address('frank'),
      deviceName: 'laptop',
    });
    const tabletRequest = await tablet.connect.request({
      address: service.address('frank'),
      deviceName: 'tablet',
    });
    expect(laptopRequest.witness).not.toBe(tabletRequest.witness);
    const { pending } = await admin.connect.pending();
    expect(pending.map((p) => p.deviceName).sort()).toEqual(['laptop', 'tablet']);
    const laptopEntry = pending.find((p) => p.deviceName === 'laptop')!;
    expect(laptopEntry.witness).toBe(laptopRequest.witness);

    await admin.connect.accept({ selector: laptopEntry.id });
    const rejected = await admin.connect.reject({ selector: tabletRequest.witness });
    expect(rejected.deviceName).toBe('tablet');

    expect((await laptop.connect.complete({ waitSeconds: 5 })).state).toBe('connected');
    expect((await tablet.connect.complete({ waitSeconds: 5 })).state).toBe('refused');
    expect((await tablet.account.status()).state).toBe('unconnected');
    const devices = (await admin.devices.list()).map((d) => d.name);
    expect(devices).toEqual(['desktop', 'laptop']);
  });

  it('reports a request still unanswered, and names an unknown or ambiguous selector', async () => {
    const admin = await homes.open('admin4');
    await admin.account.create({ address: service.address('gina') });
    const device = await homes.open('waiting');
    await device.connect.request({ address: service.address('gina'), deviceName: 'w' });
    expect((await device.connect.complete()).state).toBe('requested');
    await expect(admin.connect.accept({ selector: 'ZZZZ-ZZZZ' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(admin.connect.accept({ selector: 'AB' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('cancels a waiting completion with an AbortSignal', async () => {
    const admin = await homes.open('admin5');
    await admin.account.create({ address: service.address('hank') });
    const device = await homes.open('cancel');
    await device.connect.request({ address: service.address('hank') });
    const controller = new AbortController();
    const waiting = device.connect.complete({ waitSeconds: 30 }, { signal: controller.signal });
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await device.account.status()).state).toBe('requested');
  });
});
