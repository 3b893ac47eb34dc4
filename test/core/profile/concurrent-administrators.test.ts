/**
 * Two administrator devices changing the profile at the same moment (docs/device-flows.md
 * "Profile updates"): each Publish names the version it replaces, the loser of a race gets 409,
 * merges onto the winner's version and publishes again, so the final profile holds every change
 * of every round. Also: promotion by an administrator without the master key, and approval
 * latency of the ConnectPending long poll.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptConnection } from '../../../electron/core/connect/accept-connection';
import { completeConnection } from '../../../electron/core/connect/complete-connection';
import { createAccount } from '../../../electron/core/profile/create-account';
import {
  openDeviceContext,
  type DeviceContext,
} from '../../../electron/core/session/device-context';
import { listDevices } from '../../../electron/core/devices/list-devices';
import { listPendingConnections } from '../../../electron/core/connect/pending-connections';
import { removeDevice } from '../../../electron/core/devices/remove-device';
import { requestConnection } from '../../../electron/core/connect/request-connection';
import { MeshServiceClient } from '../../../electron/core/protocol/mesh-service-client';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { connectionRequest, makeDevice, type TestDevice } from '../../service/support/identity';
import { startService, TestHomes } from '../harness';
import { serviceForSuite } from '../../support/service-suite';
import type { MeshDevice } from '../../../electron/core/mesh-device';

const ROUNDS = 4;

describe.runIf(keychainInSession)(`two administrators at once${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  /** A creates `name`; B joins as administrator. */
  async function twoAdministrators(name: string) {
    const address = service.address(name);
    const a = await homes.open(`${name}-a`);
    const created = await a.account.create({ address, deviceName: 'A' });
    const b = await homes.open(`${name}-b`);
    const request = await b.connect.request({ address, deviceName: 'B' });
    const accepted = await a.connect.accept({ selector: request.witness, role: 'administrator' });
    expect(accepted.role).toBe('administrator');
    expect((await b.connect.complete({ waitSeconds: 10 })).state).toBe('connected');
    return { a, b, address, account: name, profileUdf: created.profileUdf };
  }

  /** A new device asks to join (ConnectStart straight to the service). */
  async function ask(account: string, profileUdf: string, name: string): Promise<TestDevice> {
    const device = await makeDevice(name);
    const { signed } = await connectionRequest(device, profileUdf);
    const client = new MeshServiceClient({ url: `${service.url}/.well-known/mmm/` });
    await client.call('ConnectStart', { AccountID: account, SignedRequest: signed });
    return device;
  }

  const names = async (device: MeshDevice): Promise<string[]> =>
    (await device.devices.list()).map((listed) => listed.name).sort();

  it(`approve and remove at the same moment, ${ROUNDS} rounds: the final profile holds every change`, async () => {
    // The device layer alone (no catalog hooks: application key rotation is the catalog's).
    const root = await mkdtemp(join(tmpdir(), 'mesh-race-'));
    const open = (name: string) =>
      openDeviceContext({
        home: join(root, name),
        keyStore: { kind: 'file', passphrase: 'race passphrase' },
      });
    const a = await open('a');
    const b = await open('b');
    try {
      const address = service.address('race');
      const created = await createAccount(a, { address, deviceName: 'A' });
      const request = await requestConnection(b, { address, deviceName: 'B' });
      await acceptConnection(a, request.witness, { role: 'administrator' });
      expect((await completeConnection(b, { waitSeconds: 10 })).state).toBe('connected');
      let previous: { x: TestDevice; y: TestDevice } | undefined;
      for (let round = 0; round < ROUNDS; round++) {
        const x = await ask('race', created.profileUdf, `x${round}`);
        const y = await ask('race', created.profileUdf, `y${round}`);
        await Promise.all([
          acceptConnection(a, x.udf),
          acceptConnection(b, y.udf),
          ...(previous === undefined
            ? []
            : [removeDevice(a, previous.y.udf), removeDevice(b, previous.x.udf)]),
        ]);
        previous = { x, y };
      }
      const expected = ['A', 'B', `x${ROUNDS - 1}`, `y${ROUNDS - 1}`].sort();
      const listed = async (context: DeviceContext) =>
        (await listDevices(context)).map((device) => device.name).sort();
      expect(await listed(a)).toEqual(expected);
      expect(await listed(b)).toEqual(expected);
      expect((await listPendingConnections(a)).pending).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('an administrator without the master key promotes a member, who then approves', async () => {
    const { a, b, address, account, profileUdf } = await twoAdministrators('promote');
    const c = await homes.open('promote-c');
    const request = await c.connect.request({ address, deviceName: 'C' });
    expect((await b.connect.accept({ selector: request.witness })).role).toBe('member');
    expect((await c.connect.complete({ waitSeconds: 10 })).state).toBe('connected');
    await expect(c.connect.pending()).rejects.toMatchObject({
      details: { reason: 'not-administrator' },
    });
    const promoted = await b.devices.setRole({ udf: request.deviceUdf, role: 'administrator' });
    expect(promoted).toMatchObject({ role: 'administrator', changed: true, rotated: false });
    const d = await ask(account, profileUdf, 'D');
    expect((await c.connect.accept({ selector: d.udf })).deviceName).toBe('D');
    expect((await a.devices.list()).map((listed) => [listed.name, listed.role])).toEqual([
      ['A', 'administrator'],
      ['B', 'administrator'],
      ['C', 'administrator'],
      ['D', 'member'],
    ]);
    // B holds only the online key: demoting C (a rotation) takes the master key.
    await expect(
      b.devices.setRole({ udf: request.deviceUdf, role: 'member' }),
    ).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'needs-master-key' },
    });
    // A removes C, an administrator: the key is rotated; B receives the new one, C cannot sign.
    await a.devices.remove({ udf: request.deviceUdf });
    const e = await ask(account, profileUdf, 'E');
    expect((await b.connect.accept({ selector: e.udf })).deviceName).toBe('E');
    expect(await names(a)).toEqual(['A', 'B', 'D', 'E']);
  }, 60_000);

  it('the watcher learns of a request within moments of its ConnectStart (long poll)', async () => {
    const { a, account, profileUdf } = await twoAdministrators('watch');
    const controller = new AbortController();
    const errors: unknown[] = [];
    const watching = a.watchPendingConnections({
      signal: controller.signal,
      onError: (error) => errors.push(error),
    });
    const latencies: number[] = [];
    for (let round = 0; round < 5; round++) {
      const next = a.once('pending-connection');
      const started = performance.now();
      const device = await ask(account, profileUdf, `w${round}`);
      const event = await next;
      latencies.push(performance.now() - started);
      expect(event.deviceUdf).toBe(device.udf);
    }
    controller.abort();
    await watching;
    expect(errors).toEqual([]);
    latencies.sort((p, q) => p - q);
    // The interval watcher looked every 5 s; the long poll answers at once.
    expect(latencies[2]!).toBeLessThan(1000);
  }, 60_000);
});
