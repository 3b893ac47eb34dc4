/**
 * Limits and lifetimes (docs/architecture.md sections 6 and 7): the per-client request rate (503),
 * PIN expiry and burning after wrong proofs, connection requests that lapse, and the Authorization
 * window, all against a service whose clock the test moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64urlEncode } from '../../shared/encoding/base64url';
import { computePinProof, derivePinKeys } from '../../shared/profiles/pin';
import { randomNonce } from '../../shared/udf';
import type { RunningService } from '../../service/start';
import { startService } from '../../service/start';
import { TestClient } from './support/client';
import { connectionRequest, makeDevice, TestUser } from './support/identity';

describe('the request rate of one client', () => {
  it('is answered 503 above the burst, and recovers', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-rate-'));
    const running = await startService({
      storage: { kind: 'sqlite', directory },
      limits: { requestsPerSecond: 2, requestBurst: 3 },
    });
    try {
      const client = new TestClient(running.url);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await client.call('Hello', {})).httpStatus);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses).toContain(503);
      const refused = await client.raw('{"HelloRequest":{}}').catch(() => undefined);
      if (refused?.httpStatus === 503)
        expect(refused.payload.StatusDescription).toMatch(/too many requests/);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await client.call('Hello', {})).httpStatus).toBe(200);
    } finally {
      await running.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('lifetimes on a service clock', () => {
  let now = Date.now();
  let directory: string;
  let running: RunningService;
  let client: TestClient;
  const at = () => new Date(now);

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'mesh-clock-'));
    running = await startService({
      storage: { kind: 'sqlite', directory },
      limits: { requestsPerSecond: 0 },
      clock: () => now,
      connectionLifetimeMs: 60_000,
    });
    client = new TestClient(running.url);
  });

  afterAll(async () => {
    await running.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function account(name: string) {
    const user = await TestUser.create();
    const created = await client.call(
      'CreateAccount',
      { Account: name, Profile: await user.profile() },
      { account: name, device: user.device, time: at() },
    );
    expect(created.httpStatus).toBe(201);
    return user;
  }

  async function registerPin(name: string, user: TestUser, pin: string, lifetimeMs: number) {
    const keys = derivePinKeys(pin);
    const answer = await client.call(
      'ConnectPin',
      {
        AccountID: name,
        PinID: keys.pinId,
        PinKey: base64urlEncode(keys.serviceKey),
        Expires: new Date(now + lifetimeMs).toISOString(),
      },
      { account: name, device: user.device, time: at() },
    );
    expect(answer.httpStatus).toBe(201);
    return keys;
  }

  async function startWithPin(
    name: string,
    user: TestUser,
    keys: ReturnType<typeof derivePinKeys>,
    right = true,
  ) {
    const device = await makeDevice();
    const clientNonce = randomNonce();
    const proofKey = right ? keys.serviceKey : derivePinKeys('ZZZZ-9999').serviceKey;
    const { signed } = await connectionRequest(device, user.master.udf, {
      clientNonce,
      pinId: keys.pinId,
      pinProof: computePinProof(proofKey, { account: name, clientNonce, deviceUdf: device.udf }),
    });
    return client.call('ConnectStart', { AccountID: name, SignedRequest: signed });
  }

  it('a PIN past its expiry is refused', async () => {
    const user = await account('pinexpiry');
    const keys = await registerPin('pinexpiry', user, 'AAAA-BBBB-CCCC', 120_000);
    now += 121_000;
    expect((await startWithPin('pinexpiry', user, keys)).httpStatus).toBe(401);
  });

  it('a PIN more than 24 h away is refused at registration', async () => {
    const user = await account('pinfar');
    const keys = derivePinKeys('DDDD-EEEE');
    const answer = await client.call(
      'ConnectPin',
      {
        AccountID: 'pinfar',
        PinID: keys.pinId,
        PinKey: base64urlEncode(keys.serviceKey),
        Expires: new Date(now + 25 * 3_600_000).toISOString(),
      },
      { account: 'pinfar', device: user.device, time: at() },
    );
    expect(answer.httpStatus).toBe(400);
  });

  it('five wrong proofs burn a PIN: the right one is refused after them', async () => {
    const user = await account('pinburn');
    const keys = await registerPin('pinburn', user, 'FFFF-GGGG-HHHH', 600_000);
    for (let i = 0; i < 5; i++)
      expect((await startWithPin('pinburn', user, keys, false)).httpStatus).toBe(401);
    expect((await startWithPin('pinburn', user, keys, true)).httpStatus).toBe(401);
  });

  it('an unanswered connection request lapses: no longer pending, no status', async () => {
    const user = await account('lapse');
    const device = await makeDevice();
    const { signed } = await connectionRequest(device, user.master.udf);
    expect(
      (await client.call('ConnectStart', { AccountID: 'lapse', SignedRequest: signed })).httpStatus,
    ).toBe(201);
    const pending = await client.call(
      'ConnectPending',
      { AccountID: 'lapse' },
      { account: 'lapse', device: user.device, time: at() },
    );
    expect(pending.payload.Pending).toHaveLength(1);
    now += 61_000;
    const later = await client.call(
      'ConnectPending',
      { AccountID: 'lapse' },
      { account: 'lapse', device: user.device, time: at() },
    );
    expect(later.payload.Pending).toEqual([]);
    const status = await client.call(
      'ConnectStatus',
      { AccountID: 'lapse', DeviceID: device.udf },
      { account: 'lapse', device, time: at() },
    );
    expect(status.httpStatus).toBe(404);
    // The device may ask again.
    expect(
      (await client.call('ConnectStart', { AccountID: 'lapse', SignedRequest: signed })).httpStatus,
    ).toBe(201);
  });

  it('the Authorization window follows the service clock', async () => {
    const user = await account('window');
    const signedNow = { account: 'window', device: user.device, time: at() };
    expect((await client.call('Status', { Account: 'window' }, signedNow)).httpStatus).toBe(200);
    const stale = { account: 'window', device: user.device, time: new Date(now - 300_001) };
    expect((await client.call('Status', { Account: 'window' }, stale)).httpStatus).toBe(401);
    const edge = { account: 'window', device: user.device, time: new Date(now - 299_000) };
    expect((await client.call('Status', { Account: 'window' }, edge)).httpStatus).toBe(200);
  });
});
