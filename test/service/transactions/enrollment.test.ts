/**
 * Enrollment under attack (service/transactions/enrollment.ts, docs/protocol.md ConnectStart and
 * ConnectDismiss): strangers who know only an account's name flood ConnectStart from one source
 * and from many (behind the trusted TLS proxy, X-Forwarded-For), over real loopback HTTP. The
 * owner's device still gets through, by PIN always, and the administrator dismisses the rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64urlEncode } from '../../../shared/encoding/base64url';
import { computePinProof, derivePinKeys } from '../../../shared/profiles/pin';
import { signJson } from '../../../electron/core/crypto/sign';
import { randomNonce, udfMatches } from '../../../shared/udf';
import type { RunningService } from '../../../service/start';
import { startService } from '../../../service/start';
import { TestClient } from '../support/client';
import type { TestDevice } from '../support/identity';
import { connectionRequest, makeDevice, TestUser } from '../support/identity';

const OWNER = { 'x-forwarded-for': '198.51.100.7' };
const from = (source: string) => ({ 'x-forwarded-for': `10.9.9.9, ${source}` });

describe('ConnectStart flooded by strangers', () => {
  let directory: string;
  let running: RunningService;
  let client: TestClient;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'mesh-enroll-'));
    running = await startService({
      storage: { kind: 'sqlite', directory },
      trustedProxies: ['127.0.0.1'],
      limits: {
        requestsPerSecond: 100_000,
        requestBurst: 100_000,
        maxPendingConnections: 16,
        maxPendingPerSource: 4,
        publicWritesPerMinute: 60,
        publicWriteBurst: 20,
      },
    });
    client = new TestClient(running.url);
  });

  afterAll(async () => {
    await running.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function account(name: string): Promise<TestUser> {
    const user = await TestUser.create();
    const created = await client.call(
      'CreateAccount',
      { Account: name, Profile: await user.profile() },
      { account: name, device: user.device },
      OWNER,
    );
    expect(created.httpStatus).toBe(201);
    return user;
  }

  async function start(name: string, user: TestUser, device: TestDevice, headers = OWNER) {
    const { signed } = await connectionRequest(device, user.master.udf);
    return client.call(
      'ConnectStart',
      { AccountID: name, SignedRequest: signed },
      undefined,
      headers,
    );
  }

  async function pending(name: string, user: TestUser) {
    const answer = await client.call(
      'ConnectPending',
      { AccountID: name },
      { account: name, device: user.device },
    );
    return answer.payload.Pending as { DeviceID: string; PinVerified: boolean }[];
  }

  it('one source holds at most 4 requests: the owner stays pending under a flood of 60', async () => {
    const user = await account('flooded');
    const mine = await makeDevice('owner laptop');
    expect((await start('flooded', user, mine)).httpStatus).toBe(201);
    const statuses: number[] = [];
    const ownerMs: number[] = [];
    const attackers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => makeDevice(`fake ${i}`)),
    );
    // The flood runs while five more of the owner's devices ask, each from its own address.
    const flood = (async () => {
      for (const device of attackers) {
        statuses.push((await start('flooded', user, device, from('203.0.113.66'))).httpStatus);
      }
    })();
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const device = await makeDevice(`owner ${i}`);
      const answer = await start('flooded', user, device, from(`198.51.100.${10 + i}`));
      expect(answer.httpStatus).toBe(201);
      ownerMs.push(performance.now() - t0);
    }
    await flood;
    console.log(
      `owner ConnectStart under a one-source flood: max ${Math.max(...ownerMs).toFixed(1)} ms`,
    );
    // The attacker's source was cut by its rate (20 at once, then 1 a second) and its room (4).
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(30);
    const listed = await pending('flooded', user);
    expect(listed.some((row) => udfMatches(row.DeviceID, mine.udf))).toBe(true);
    const fake = listed.filter((row) => attackers.some((d) => udfMatches(row.DeviceID, d.udf)));
    expect(fake.length).toBeLessThanOrEqual(4);
  });

  it('from 40 sources: a PIN request always gets through, and the administrator dismisses the rest', async () => {
    const user = await account('swarmed');
    const keys = derivePinKeys('Q7RD-3MZX-P2WB-9TLA');
    const registered = await client.call(
      'ConnectPin',
      {
        AccountID: 'swarmed',
        PinID: keys.pinId,
        PinKey: base64urlEncode(keys.serviceKey),
        Expires: new Date(Date.now() + 600_000).toISOString(),
      },
      { account: 'swarmed', device: user.device },
    );
    expect(registered.httpStatus).toBe(201);
    const attackers = await Promise.all(
      Array.from({ length: 160 }, (_, i) => makeDevice(`swarm ${i}`)),
    );
    const swarm = async (devices: TestDevice[]) => {
      for (const [i, device] of devices.entries()) {
        expect((await start('swarmed', user, device, from(`203.0.113.${i % 40}`))).httpStatus).toBe(
          201,
        );
      }
    };
    await swarm(attackers.slice(0, 80));
    expect(await pending('swarmed', user)).toHaveLength(16);
    // The owner's new device proves the PIN while the swarm goes on.
    const tablet = await makeDevice('owner tablet');
    const clientNonce = randomNonce();
    const claims = { account: 'swarmed', clientNonce, deviceUdf: tablet.udf };
    const { signed } = await connectionRequest(tablet, user.master.udf, {
      clientNonce,
      pinId: keys.pinId,
      pinProof: computePinProof(keys.serviceKey, claims),
      pinAdminProof: computePinProof(keys.adminKey, claims),
    });
    const rest = swarm(attackers.slice(80));
    const t0 = performance.now();
    const proven = await client.call(
      'ConnectStart',
      { AccountID: 'swarmed', SignedRequest: signed },
      undefined,
      OWNER,
    );
    const ownerMs = performance.now() - t0;
    await rest;
    console.log(`owner PIN ConnectStart under a 40-source swarm: ${ownerMs.toFixed(1)} ms`);
    expect(proven.httpStatus).toBe(201);
    expect(proven.payload.PinVerified).toBe(true);
    const before = await pending('swarmed', user);
    expect(before).toHaveLength(16);
    expect(before.filter((row) => row.PinVerified).map((row) => row.DeviceID)).toHaveLength(1);

    const dismissed = await client.call(
      'ConnectDismiss',
      { AccountID: 'swarmed', Unproven: true },
      { account: 'swarmed', device: user.device },
    );
    expect(dismissed.httpStatus).toBe(200);
    expect(dismissed.payload.Dismissed).toBe(15);
    const after = await pending('swarmed', user);
    expect(after).toHaveLength(1);
    expect(udfMatches(after[0]?.DeviceID ?? '', tablet.udf)).toBe(true);
    // Nothing left to dismiss: 200, nothing appended.
    const size = await running.service.backend.logSize();
    const again = await client.call(
      'ConnectDismiss',
      { AccountID: 'swarmed', Unproven: true },
      { account: 'swarmed', device: user.device },
    );
    expect(again.payload.Dismissed).toBe(0);
    expect(await running.service.backend.logSize()).toBe(size);
  });

  it('a stranger cannot dismiss: ConnectDismiss needs a device of the account', async () => {
    const user = await account('guarded');
    const stranger = await makeDevice('stranger');
    const answer = await client.call(
      'ConnectDismiss',
      { AccountID: 'guarded', Unproven: true },
      { account: 'guarded', device: stranger },
    );
    expect(answer.httpStatus).toBe(401);
    expect(user).toBeDefined();
  });

  it('a repeat that changes nothing appends nothing; unknown fields and big bodies are refused', async () => {
    const user = await account('repeated');
    const device = await makeDevice('repeating');
    const { signed } = await connectionRequest(device, user.master.udf);
    const first = await client.call(
      'ConnectStart',
      { AccountID: 'repeated', SignedRequest: signed },
      undefined,
      from('192.0.2.1'),
    );
    expect(first.httpStatus).toBe(201);
    const size = await running.service.backend.logSize();
    for (let i = 0; i < 10; i++) {
      const again = await client.call(
        'ConnectStart',
        { AccountID: 'repeated', SignedRequest: signed },
        undefined,
        from('192.0.2.1'),
      );
      expect(again.payload.Witness).toBe(first.payload.Witness);
    }
    expect(await running.service.backend.logSize()).toBe(size);

    const padded = {
      Identifier: device.udf,
      SignedData: await signJson(
        {
          ParentUDF: user.master.udf,
          Device: device.profile,
          ClientNonce: randomNonce(),
          Padding: 'x'.repeat(1000),
        },
        device.sign,
        'ConnectionRequest',
      ),
    };
    const unknown = await client.call(
      'ConnectStart',
      { AccountID: 'repeated', SignedRequest: padded },
      undefined,
      from('192.0.2.2'),
    );
    expect(unknown.httpStatus).toBe(400);
    expect(unknown.payload.StatusDescription).toMatch(/SignedRequest\.Padding: unknown field/);

    const huge = {
      Identifier: device.udf,
      SignedData: await signJson(
        {
          ParentUDF: user.master.udf,
          Device: device.profile,
          ClientNonce: randomNonce(),
          Created: 'x'.repeat(70_000),
        },
        device.sign,
        'ConnectionRequest',
      ),
    };
    const big = await client.call(
      'ConnectStart',
      { AccountID: 'repeated', SignedRequest: huge },
      undefined,
      from('192.0.2.3'),
    );
    expect(big.httpStatus).toBe(413);
    expect(await running.service.backend.logSize()).toBe(size);
  });
});

describe('the source behind the proxy', () => {
  it('an X-Forwarded-For from a peer that is not a trusted proxy is not believed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-enroll-'));
    const running = await startService({
      storage: { kind: 'sqlite', directory },
      limits: { publicWritesPerMinute: 60, publicWriteBurst: 3 },
    });
    try {
      const client = new TestClient(running.url);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const device = await makeDevice();
        const { signed } = await connectionRequest(device, device.udf);
        const answer = await client.call(
          'ConnectStart',
          { AccountID: 'nobody', SignedRequest: signed },
          undefined,
          { 'x-forwarded-for': `203.0.113.${i}` },
        );
        statuses.push(answer.httpStatus);
      }
      // Every request counted against 127.0.0.1: three reach the handler (404), then 503.
      expect(statuses).toEqual([404, 404, 404, 503, 503]);
    } finally {
      await running.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
