/**
 * Two service processes on one PostgreSQL database (docs/architecture.md section 9): writes through
 * both, reads and proofs consistent through both, a long poll in one answered by a ConnectComplete
 * in the other within a second, an approver's ConnectPending long poll woken by a ConnectStart in
 * the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedCheckpoint } from '../../shared/merkle/checkpoint';
import { dropSchema, freshSchema, postgresUrl } from './support/backends';
import { spawnService, stopService } from './support/child-service';
import type { ServiceProcess } from './support/child-service';
import { authorizationFor, TestClient } from './support/client';
import { connectionRequest, connectionResult, makeDevice, TestUser } from './support/identity';
import {
  checkCheckpoint,
  statusCheckpoint,
  checkConsistency,
  checkInclusion,
  serviceKeyOf,
  transferWholeLog,
} from './support/log-check';

describe.skipIf(postgresUrl === undefined)(
  'two service processes on one PostgreSQL database',
  () => {
    const schema = freshSchema();
    let a: ServiceProcess;
    let b: ServiceProcess;
    let clientA: TestClient;
    let clientB: TestClient;
    const auditor = 'auditor';
    let auditorUser: TestUser;

    beforeAll(async () => {
      const args = [
        '--postgres',
        postgresUrl as string,
        '--postgres-schema',
        schema,
        '--port',
        '0',
        '--rate',
        '0',
        '--log-level',
        'error',
        '--transfer-account',
        auditor,
      ];
      [a, b] = await Promise.all([spawnService(args), spawnService(args)]);
      clientA = new TestClient(a.url);
      clientB = new TestClient(b.url);
      auditorUser = await TestUser.create();
      const created = await clientA.call(
        'CreateAccount',
        { Account: auditor, Profile: await auditorUser.profile() },
        { account: auditor, device: auditorUser.device },
      );
      expect(created.httpStatus).toBe(201);
    });

    afterAll(async () => {
      await Promise.all([a && stopService(a), b && stopService(b)]);
      await dropSchema(schema);
    });

    it('both sign with the same service key', async () => {
      expect(await serviceKeyOf(clientA)).toEqual(await serviceKeyOf(clientB));
    });

    it('serves the same accounts: created in one, updated and read in the other, taken in both', async () => {
      const user = await TestUser.create();
      const created = await clientA.call(
        'CreateAccount',
        { Account: 'shared', Profile: await user.profile() },
        { account: 'shared', device: user.device },
      );
      expect(created.httpStatus).toBe(201);
      const other = await TestUser.create();
      const taken = await clientB.call(
        'CreateAccount',
        { Account: 'SHARED', Profile: await other.profile() },
        { account: 'SHARED', device: other.device },
      );
      expect(taken.httpStatus).toBe(409);
      user.devices.push(await makeDevice('second'));
      const update = await clientB.call('Publish', { Profile: await user.profile() });
      expect(update.httpStatus).toBe(202);
      const read = await clientA.call('Get', { Account: 'shared', Multiple: true });
      expect(read.payload.DataItems).toHaveLength(2);
      const stale = await clientA.call('Publish', {
        Profile: (
          read.payload.DataItems as { Profile: { Identifier: string; SignedData: string } }[]
        )[0]!.Profile,
      });
      expect(stale.httpStatus).toBe(401);
    });

    it('container writes through both keep one sequence; a stale index is a conflict in either', async () => {
      const user = await TestUser.create();
      const account = 'syncer';
      await clientA.call(
        'CreateAccount',
        { Account: account, Profile: await user.profile() },
        { account, device: user.device },
      );
      const signing = { account, device: user.device };
      const writes = Array.from({ length: 20 }, (_, i) => i);
      let index = 0;
      for (const i of writes) {
        const client = i % 2 === 0 ? clientA : clientB;
        const answer = await client.call(
          'Upload',
          {
            Account: account,
            Updates: [{ Container: 'c', ExpectedIndex: index, Entries: [{ Payload: `p${i}` }] }],
          },
          signing,
        );
        expect(answer.httpStatus).toBe(201);
        index++;
      }
      const conflict = await clientB.call(
        'Upload',
        {
          Account: account,
          Updates: [{ Container: 'c', ExpectedIndex: 5, Entries: [{ Payload: 'late' }] }],
        },
        signing,
      );
      expect(conflict.httpStatus).toBe(409);
      const download = await clientA.call(
        'Download',
        { Account: account, Select: [{ Container: 'c' }] },
        signing,
      );
      const entries =
        (download.payload.Updates as { Entries: { Payload: string }[] }[])[0]?.Entries ?? [];
      expect(entries.map((entry) => entry.Payload)).toEqual(writes.map((i) => `p${i}`));
    });

    it('concurrent writes through both: the log stays gap-free and both prove the same log', async () => {
      const users = await Promise.all(Array.from({ length: 6 }, () => TestUser.create()));
      await Promise.all(
        users.map(async (user, i) => {
          const account = `busy${i}`;
          const client = i % 2 === 0 ? clientA : clientB;
          await client.call(
            'CreateAccount',
            { Account: account, Profile: await user.profile() },
            { account, device: user.device },
          );
          for (let k = 0; k < 5; k++) {
            const answer = await (k % 2 === 0 ? clientB : clientA).call('Publish', {
              Profile: await user.profile(),
            });
            expect(answer.httpStatus).toBe(202);
          }
        }),
      );
      const key = await serviceKeyOf(clientA);
      const fromA = await transferWholeLog(
        clientA,
        () => ({ account: auditor, device: auditorUser.device }),
        auditor,
      );
      const fromB = await transferWholeLog(
        clientB,
        () => ({ account: auditor, device: auditorUser.device }),
        auditor,
      );
      expect(fromA.checkpoint.TreeSize).toBe(fromB.checkpoint.TreeSize);
      expect(fromA.checkpoint.RootHash).toBe(fromB.checkpoint.RootHash);
      expect(fromA.records).toEqual(fromB.records);
      checkCheckpoint(fromA.checkpoint, key);
      checkCheckpoint(fromB.checkpoint, key);
      // An entry written through A is proven by B, against B's checkpoint.
      const full = await clientB.call('Get', { Account: 'busy0', Full: true });
      const item = (
        full.payload.DataItems as { Record: string; LeafIndex: number; InclusionProof: string[] }[]
      )[0]!;
      checkInclusion(
        full.payload.Checkpoint as SignedCheckpoint,
        item.Record,
        item.LeafIndex,
        item.InclusionProof,
      );
      // A checkpoint from A extends to one from B after more writes through A.
      const older = statusCheckpoint((await clientA.call('Status', {})).payload);
      await clientA.call('Publish', { Profile: await users[0]!.profile() });
      const status = await clientB.call('Status', { FromTreeSize: older.TreeSize });
      const newer = statusCheckpoint(status.payload);
      expect(newer.TreeSize).toBe(older.TreeSize + 1);
      checkConsistency(older, newer, (status.payload.ConsistencyProof as { Path: string }).Path);
    });

    it('a long poll in one process is answered within a second of ConnectComplete in the other', async () => {
      const user = await TestUser.create();
      const account = 'joiner';
      await clientA.call(
        'CreateAccount',
        { Account: account, Profile: await user.profile() },
        { account, device: user.device },
      );
      const phone = await makeDevice('phone');
      const { signed } = await connectionRequest(phone, user.master.udf);
      expect(
        (await clientA.call('ConnectStart', { AccountID: account, SignedRequest: signed }))
          .httpStatus,
      ).toBe(201);
      const pending = await clientB.call(
        'ConnectPending',
        { AccountID: account },
        { account, device: user.device },
      );
      expect(pending.payload.Pending).toHaveLength(1);
      const waiting = clientB.call(
        'ConnectStatus',
        { AccountID: account, DeviceID: phone.udf, WaitSeconds: 20 },
        { account, device: phone },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      user.devices.push(phone);
      expect((await clientA.call('Publish', { Profile: await user.profile() })).httpStatus).toBe(
        202,
      );
      const result = await connectionResult(user.master, phone, 'Accepted');
      const complete = await clientA.call(
        'ConnectComplete',
        { AccountID: account, Result: result },
        { account, device: user.device },
      );
      expect(complete.httpStatus).toBe(200);
      const completedAt = performance.now();
      const answer = await waiting;
      expect(performance.now() - completedAt).toBeLessThan(1000);
      expect(answer.payload).toMatchObject({ Pending: false, Result: result });
    });

    it('a ConnectPending long poll in one process wakes at a ConnectStart in the other (NOTIFY)', async () => {
      const user = await TestUser.create();
      const account = 'approver';
      await clientA.call(
        'CreateAccount',
        { Account: account, Profile: await user.profile() },
        { account, device: user.device },
      );
      const waiting = clientB.call(
        'ConnectPending',
        { AccountID: account, WaitSeconds: 20, After: 0 },
        { account, device: user.device },
      );
      let answered = false;
      void waiting.then(() => (answered = true));
      // A request through the same process B shows the poll is held, not answered at once.
      const probe = await clientB.call('Status', {});
      expect(probe.httpStatus).toBe(200);
      expect(answered).toBe(false);
      const phone = await makeDevice('phone');
      const { signed } = await connectionRequest(phone, user.master.udf);
      const started = await clientA.call('ConnectStart', {
        AccountID: account,
        SignedRequest: signed,
      });
      expect(started.httpStatus).toBe(201);
      const startedAt = performance.now();
      const answer = await waiting;
      // Woken by NOTIFY, not by the once-a-second re-read.
      expect(performance.now() - startedAt).toBeLessThan(500);
      expect((answer.payload.Pending as { DeviceID: string }[]).map((p) => p.DeviceID)).toEqual([
        phone.udf,
      ]);
    });

    it('a nonce used in one process is a replay in the other', async () => {
      const user = await TestUser.create();
      const account = 'replayer';
      await clientA.call(
        'CreateAccount',
        { Account: account, Profile: await user.profile() },
        { account, device: user.device },
      );
      const body = new TextEncoder().encode(
        JSON.stringify({ StatusRequest: { Account: account } }),
      );
      const header = authorizationFor(body, { account, device: user.device });
      expect((await clientA.raw(body, { authorization: header })).httpStatus).toBe(200);
      expect((await clientB.raw(body, { authorization: header })).httpStatus).toBe(401);
    });
  },
);
