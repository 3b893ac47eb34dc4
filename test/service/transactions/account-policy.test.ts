/**
 * Accounts under attack (service/transactions/quota.ts, create-account.ts, delete-account.ts):
 * a per-account storage quota, reserved names, registration by invitation, and DeleteAccount
 * removing what the log does not need, over real loopback HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceOptions } from '../../../service/config';
import type { RunningService } from '../../../service/start';
import { startService } from '../../../service/start';
import { backendCases } from '../support/backends';
import { TestClient } from '../support/client';
import { TestUser } from '../support/identity';
import { randomNonce } from '../../../shared/udf';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function service(options: Partial<ServiceOptions> = {}): Promise<RunningService> {
  const directory = mkdtempSync(join(tmpdir(), 'mesh-policy-'));
  const running = await startService({
    storage: { kind: 'sqlite', directory },
    ...options,
    limits: { requestsPerSecond: 0, ...options.limits },
  });
  cleanup.push(async () => {
    await running.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return running;
}

async function create(client: TestClient, name: string, invitation?: string) {
  const user = await TestUser.create();
  const answer = await client.call(
    'CreateAccount',
    {
      Account: name,
      Profile: await user.profile(),
      ...(invitation === undefined ? {} : { Invitation: invitation }),
    },
    { account: name, device: user.device },
  );
  return { user, answer };
}

describe('the storage quota of an account', () => {
  it('refuses an upload over the quota (413); DeleteAccount frees what the log does not need', async () => {
    const running = await service({ limits: { accountQuotaBytes: 100_000 } });
    const client = new TestClient(running.url);
    const { user, answer } = await create(client, 'hoarder');
    expect(answer.httpStatus).toBe(201);
    const signing = { account: 'hoarder', device: user.device };
    const upload = (index: number) =>
      client.call(
        'Upload',
        {
          Account: 'hoarder',
          Updates: [
            {
              Container: 'catalog',
              ExpectedIndex: index,
              Entries: [{ Payload: 'x'.repeat(60_000) }],
            },
          ],
        },
        signing,
      );
    expect((await upload(0)).httpStatus).toBe(201);
    const over = await upload(1);
    expect(over.httpStatus).toBe(413);
    expect(over.payload.StatusDescription).toMatch(/quota of 100000 bytes/);
    expect(await running.service.backend.accountBytes('hoarder')).toBe(60_000);
    // A Post into a full inbound spool is refused too.
    const { user: sender } = await create(client, 'sender');
    const post = await client.call(
      'Post',
      { Account: 'sender', Accounts: ['hoarder'], Message: [{ Payload: 'y'.repeat(50_000) }] },
      { account: 'sender', device: sender.device },
    );
    expect(post.httpStatus).toBe(413);

    expect((await client.call('DeleteAccount', { Account: 'hoarder' }, signing)).httpStatus).toBe(
      200,
    );
    expect(await running.service.backend.accountBytes('hoarder')).toBe(0);
    expect(await running.service.backend.containerHeads('hoarder')).toEqual([]);
  });
});

for (const backend of backendCases) {
  describe.runIf(backend.available)(`escrow entries and the quota on ${backend.name}`, () => {
    it('counts every version of an escrow entry, and refuses one over the quota (413)', async () => {
      const storage = await backend.create();
      const running = await startService({
        storage: storage.options,
        limits: { requestsPerSecond: 0, accountQuotaBytes: 50_000 },
      });
      cleanup.push(async () => {
        await running.close();
        await storage.dispose();
      });
      const client = new TestClient(running.url);
      const { user, answer } = await create(client, 'keeper');
      expect(answer.httpStatus).toBe(201);
      const signing = { account: 'keeper', device: user.device };
      const escrow = (ciphertext: string) => ({
        Identifier: randomNonce(),
        EncryptedData: {
          recipients: [
            {
              header: { alg: 'ECDH-ES+A256KW', kid: user.master.escrow.udf },
              encrypted_key: 'AAAA',
            },
          ],
          protected: 'eyJlbmMiOiJBMjU2R0NNIn0',
          iv: 'AAAAAAAAAAAAAAAA',
          ciphertext,
          tag: 'AAAAAAAAAAAAAAAAAAAAAA',
        },
      });
      const publish = (entry: ReturnType<typeof escrow>) =>
        client.call('Publish', { Account: 'keeper', EscrowEntry: entry }, signing);
      const small = escrow('A'.repeat(20_000));
      expect((await publish(small)).httpStatus).toBe(201);
      const size = Buffer.byteLength(JSON.stringify(small));
      expect(await running.service.backend.accountBytes('keeper')).toBe(size);
      // A second version of the same entry counts too (versions are kept).
      const second = {
        ...small,
        EncryptedData: { ...small.EncryptedData, ciphertext: 'B'.repeat(20_000) },
      };
      expect((await publish(second)).httpStatus).toBe(202);
      expect(await running.service.backend.accountBytes('keeper')).toBe(2 * size);
      const over = await publish(escrow('C'.repeat(20_000)));
      expect(over.httpStatus).toBe(413);
      expect(over.payload.StatusDescription).toMatch(/EscrowEntry.*quota of 50000 bytes/);
      expect(await running.service.backend.accountBytes('keeper')).toBe(2 * size);
    });
  });
}

describe('reserved names', () => {
  it('admin, postmaster, abuse and root cannot be registered, in any case', async () => {
    const running = await service();
    const client = new TestClient(running.url);
    for (const name of ['admin', 'Postmaster', 'ABUSE', 'root']) {
      const { answer } = await create(client, name);
      expect(answer.httpStatus, name).toBe(409);
      expect(answer.payload.StatusDescription).toMatch(/reserved/);
      const validate = await client.call('ValidateAccount', { Account: name });
      expect(validate.payload.Valid).toBe(false);
      expect(validate.payload.Reason).toMatch(/reserved/);
    }
    expect((await create(client, 'alice')).answer.httpStatus).toBe(201);
  });
});

describe('registration by invitation', () => {
  it('needs a configured code, each used once (also after a restart)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-invite-'));
    cleanup.push(async () => rmSync(directory, { recursive: true, force: true }));
    const options = {
      storage: { kind: 'sqlite' as const, directory },
      invitations: ['INVITE-ONE-7Q2', 'INVITE-TWO-K9P'],
      limits: { requestsPerSecond: 0 },
    };
    let running = await startService(options);
    let client = new TestClient(running.url);
    expect((await create(client, 'walkin')).answer.httpStatus).toBe(401);
    expect((await create(client, 'guessing', 'INVITE-ONE-000')).answer.httpStatus).toBe(401);
    expect((await create(client, 'invited', 'INVITE-ONE-7Q2')).answer.httpStatus).toBe(201);
    expect((await create(client, 'again', 'INVITE-ONE-7Q2')).answer.httpStatus).toBe(401);
    await running.close();
    running = await startService(options);
    client = new TestClient(running.url);
    try {
      expect((await create(client, 'later', 'INVITE-ONE-7Q2')).answer.httpStatus).toBe(401);
      expect((await create(client, 'second', 'INVITE-TWO-K9P')).answer.httpStatus).toBe(201);
    } finally {
      await running.close();
    }
  });
});
