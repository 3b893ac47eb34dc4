/**
 * What the service does for device administration (docs/protocol.md Publish and ConnectPending;
 * docs/device-flows.md "Roles"), on both storage backends: a Publish carrying a stale
 * ExpectedVersion is 409 with the current version and changes nothing; ConnectPending long-polls
 * until a new request arrives; only the profile's administrators are told of requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedObject } from '../../shared/profiles/signed-object';
import type { RunningService } from '../../service/start';
import { startService } from '../../service/start';
import { encryptFor } from '../../electron/core/crypto/jwe';
import { signJson } from '../../electron/core/crypto/sign';
import { backendCases } from './support/backends';
import type { TestStorage } from './support/backends';
import { TestClient } from './support/client';
import { connectionRequest, makeDevice, TestUser } from './support/identity';
import type { TestDevice } from './support/identity';

let accountCounter = 0;
function accountName(prefix: string): string {
  return `${prefix}${process.pid}a${accountCounter++}`;
}

describe.each(backendCases)('administration on $name', (backend) => {
  let storage: TestStorage;
  let running: RunningService;
  let client: TestClient;

  beforeAll(async () => {
    if (!backend.available) return;
    storage = await backend.create();
    running = await startService({
      storage: storage.options,
      limits: { requestsPerSecond: 0 },
    });
    client = new TestClient(running.url);
  });

  afterAll(async () => {
    await running?.close();
    await storage?.dispose();
  });

  async function newAccount(prefix: string): Promise<{ name: string; user: TestUser }> {
    const name = accountName(prefix);
    const user = await TestUser.create();
    const created = await client.call(
      'CreateAccount',
      { Account: name, Profile: await user.profile() },
      { account: name, device: user.device },
    );
    expect(created.httpStatus).toBe(201);
    return { name, user };
  }

  async function currentVersion(name: string): Promise<number> {
    const answer = await client.call('Get', { Account: name });
    const items = answer.payload.DataItems as { TransactionID: number }[];
    return (items[0] as { TransactionID: number }).TransactionID;
  }

  /** The user's next profile version listing `administrators` in its Administrators list. */
  async function profileWithAdministrators(
    user: TestUser,
    administrators: readonly TestDevice[],
  ): Promise<SignedObject> {
    const payload = {
      Identifier: user.master.udf,
      Updated: new Date().toISOString(),
      SignedMasterProfile: user.master.signed,
      Devices: user.devices.map((device) => device.profile),
      Applications: [],
      Administrators: await Promise.all(
        administrators.map(async (device) => ({
          Device: device.udf,
          OnlineKey: await encryptFor(new Uint8Array(32).fill(7), [device.encrypt.publicJwk]),
        })),
      ),
    };
    return {
      Identifier: user.master.udf,
      SignedData: await signJson(payload, user.master.online[0]!, 'PersonalProfile'),
    };
  }

  describe.skipIf(!backend.available)('each case', () => {
    it('Publish: a stale ExpectedVersion is 409 with CurrentVersion and changes nothing', async () => {
      const { name, user } = await newAccount('version');
      const base = await currentVersion(name);
      user.devices.push(await makeDevice('first admin adds'));
      const first = await user.profile();
      const second = await user.profile([...user.devices.slice(0, 1), await makeDevice('other')]);
      const won = await client.call('Publish', { Profile: first, ExpectedVersion: base });
      expect(won.httpStatus).toBe(202);
      const lost = await client.call('Publish', { Profile: second, ExpectedVersion: base });
      expect(lost.httpStatus).toBe(409);
      expect(lost.payload.CurrentVersion).toBe(won.payload.TransactionID);
      expect(await currentVersion(name)).toBe(won.payload.TransactionID);
      // The winner's own version again (a retry after a lost answer) is still a 200 no-op.
      const again = await client.call('Publish', { Profile: first, ExpectedVersion: base });
      expect(again.httpStatus).toBe(200);
      // Merged onto the current version, it goes through.
      const merged = await client.call('Publish', {
        Profile: await user.profile(),
        ExpectedVersion: Number(won.payload.TransactionID),
      });
      expect(merged.httpStatus).toBe(202);
      const escrowWithVersion = await client.call('Publish', {
        Account: name,
        EscrowEntry: { Identifier: 'x', EncryptedData: {} },
        ExpectedVersion: 1,
      } as never);
      expect(escrowWithVersion.httpStatus).toBe(400);
    });

    it('ConnectPending: a long poll answers within milliseconds of ConnectStart, only for newer requests', async () => {
      const { name, user } = await newAccount('poll');
      const admin = { account: name, device: user.device };
      const early = await makeDevice('early');
      const started = await client.call('ConnectStart', {
        AccountID: name,
        SignedRequest: (await connectionRequest(early, user.master.udf)).signed,
      });
      expect(started.httpStatus).toBe(201);
      const listed = await client.call('ConnectPending', { AccountID: name }, admin);
      const seen = listed.payload.Pending as { TransactionID: number; DeviceID: string }[];
      expect(seen).toHaveLength(1);
      // Nothing newer than what was seen: the poll is held...
      const held = client.call(
        'ConnectPending',
        { AccountID: name, WaitSeconds: 20, After: seen[0]!.TransactionID },
        admin,
      );
      let answered = false;
      void held.then(() => (answered = true));
      const probe = await client.call('ConnectPending', { AccountID: name }, admin);
      expect(probe.httpStatus).toBe(200);
      expect(answered).toBe(false);
      // ... until a new request arrives.
      const late = await makeDevice('late');
      const lateStarted = await client.call('ConnectStart', {
        AccountID: name,
        SignedRequest: (await connectionRequest(late, user.master.udf)).signed,
      });
      const startAnswered = performance.now();
      expect(lateStarted.httpStatus).toBe(201);
      const woken = await held;
      const latency = performance.now() - startAnswered;
      expect(woken.httpStatus).toBe(200);
      const pending = woken.payload.Pending as { DeviceID: string }[];
      expect(pending.map((p) => p.DeviceID)).toEqual([seen[0]!.DeviceID, late.udf]);
      expect(latency).toBeLessThan(1000);
      // A request newer than After answers at once.
      const atOnce = await client.call(
        'ConnectPending',
        { AccountID: name, WaitSeconds: 20, After: 0 },
        admin,
      );
      expect(atOnce.payload.Pending).toHaveLength(2);
    });

    it('ConnectPending: a device the profile does not list as administrator is 401', async () => {
      const { name, user } = await newAccount('roles');
      const member = await makeDevice('member');
      user.devices.push(member);
      const published = await client.call('Publish', {
        Profile: await profileWithAdministrators(user, [user.device]),
      });
      expect(published.httpStatus).toBe(202);
      const asMember = await client.call(
        'ConnectPending',
        { AccountID: name },
        { account: name, device: member },
      );
      expect(asMember.httpStatus).toBe(401);
      expect(asMember.payload.StatusDescription).toMatch(/^not-administrator/);
      const asAdmin = await client.call(
        'ConnectPending',
        { AccountID: name },
        { account: name, device: user.device },
      );
      expect(asAdmin.httpStatus).toBe(200);
    });

    it('Publish: an Administrators entry naming a device the profile does not list is refused', async () => {
      const { user } = await newAccount('stranger');
      const stranger = await makeDevice('stranger');
      const answer = await client.call('Publish', {
        Profile: await profileWithAdministrators(user, [user.device, stranger]),
      });
      expect(answer.httpStatus).toBe(401);
    });
  });
});
