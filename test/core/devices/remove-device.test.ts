import { describe, expect, it } from 'vitest';
import { onDeviceRemoved } from '../../../electron/core/devices/remove-device';
import { onDeviceAdded } from '../../../electron/core/connect/accept-connection';
import type { DeviceChange } from '../../../electron/core/session/device-hooks';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { connectedPair } from '../connected-pair';
import { startService, TestHomes } from '../harness';
import { serviceForSuite } from '../../support/service-suite';
import { deviceCoreOf } from '../../../electron/core/session/device-internals';

describe.runIf(keychainInSession)(`list and remove devices${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('removes a device: the profile no longer lists it, the hook runs, and the service refuses it (401)', async () => {
    const { admin, device, adminUdf, deviceUdf } = await connectedPair(
      homes,
      service.address('liam'),
    );
    // While connected, the device authenticates (Status with Account needs a device of it); as a
    // member it is not told of connection requests.
    const account = deviceCoreOf(device).context.requireAccount().account;
    const client = await deviceCoreOf(device).context.accountClient();
    await expect(client.call('Status', { Account: account })).resolves.toMatchObject({});
    await expect(device.connect.pending()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'not-administrator' },
    });

    const changes: DeviceChange[] = [];
    onDeviceRemoved(deviceCoreOf(admin).context, async (_context, change) => {
      changes.push(change);
    });
    const removed = await admin.devices.remove({ udf: deviceUdf.slice(0, 9) });
    expect(removed).toEqual({ udf: deviceUdf, name: 'phone' });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.device.identifier).toBe(deviceUdf);
    expect(changes[0]!.previous.devices).toHaveLength(2);
    expect(changes[0]!.profile.devices.map((d) => d.identifier)).toEqual([adminUdf]);

    expect((await admin.devices.list()).map((d) => d.udf)).toEqual([adminUdf]);
    await expect(client.call('Status', { Account: account })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      details: { status: 401 },
    });
    const states: string[] = [];
    device.on('connection-state', (event) => states.push(event.state));
    expect((await device.account.status({ refresh: true })).state).toBe('removed');
    expect(states).toEqual(['removed']);
  });

  it('runs the deviceAdded hook before the result is posted, and refuses to remove itself or an unknown device', async () => {
    const admin = await homes.open('hooks-admin');
    const created = await admin.account.create({ address: service.address('mona') });
    const added: string[] = [];
    onDeviceAdded(deviceCoreOf(admin).context, async (_context, change) => {
      // The new device has not been told yet: its request is still pending.
      expect((await admin.connect.pending()).pending).toHaveLength(1);
      added.push(change.device.profile.Description);
    });
    const device = await homes.open('hooks-device');
    const request = await device.connect.request({
      address: service.address('mona'),
      deviceName: 'watch',
    });
    await admin.connect.accept({ selector: request.deviceUdf });
    expect(added).toEqual(['watch']);
    expect((await device.connect.complete({ waitSeconds: 5 })).state).toBe('connected');

    await expect(admin.devices.remove({ udf: created.deviceUdf })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(admin.devices.remove({ udf: 'AAAA-AAAA-AAAA' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await admin.devices.list()).toHaveLength(2);
  });
});
