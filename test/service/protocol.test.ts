/**
 * The protocol over real HTTP on loopback (docs/architecture.md section 9): every transaction of
 * docs/architecture.md section 5 and every error case, against both storage backends.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import type { SignedCheckpoint } from '../../shared/merkle/checkpoint';
import { computePinProof, derivePinKeys } from '../../shared/profiles/pin';
import { base64urlEncode } from '../../shared/encoding/base64url';
import { randomNonce, udfMatches } from '../../shared/udf';
import { computeWitness } from '../../shared/witness';
import type { RunningService } from '../../service/start';
import { startService } from '../../service/start';
import { deriveKeyPair, generateSeed, KEY_LABELS } from '../../electron/core/crypto/keys';
import { backendCases } from './support/backends';
import type { TestStorage } from './support/backends';
import { TestClient, authorizationFor } from './support/client';
import type { Signing } from './support/client';
import { connectionRequest, connectionResult, makeDevice, TestUser } from './support/identity';
import type { TestDevice } from './support/identity';
import {
  checkCheckpoint,
  statusCheckpoint,
  checkConsistency,
  checkInclusion,
  serviceKeyOf,
  transferWholeLog,
} from './support/log-check';

const MAX_BODY = 64 * 1024;
const MAX_PENDING = 3;

let accountCounter = 0;
function accountName(prefix: string): string {
  return `${prefix}${process.pid}x${accountCounter++}`;
}

function as(account: string, device: TestDevice, extra: Partial<Signing> = {}): Signing {
  return { account, device, ...extra };
}

/** Post a body of `declared` bytes in chunks; resolve with the status the service answers. */
function postLarge(url: string, declared: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}/.well-known/mmm/`);
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(declared === undefined ? {} : { 'content-length': declared }),
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < (declared ?? 4 * MAX_BODY)) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      request.end();
    };
    pump();
  });
}

describe.each(backendCases)('the protocol over HTTP on $name', (backend) => {
  let storage: TestStorage;
  let running: RunningService;
  let client: TestClient;
  let serviceKey: PublicKeyJwk;
  const auditor = accountName('auditor');
  let auditorUser: TestUser;

  beforeAll(async () => {
    if (!backend.available) return;
    storage = await backend.create();
    running = await startService({
      storage: storage.options,
      limits: {
        maxRequestBytes: MAX_BODY,
        requestsPerSecond: 0,
        maxPendingConnections: MAX_PENDING,
      },
      transferAccounts: [auditor],
    });
    client = new TestClient(running.url);
    serviceKey = await serviceKeyOf(client);
    auditorUser = await TestUser.create();
    await createAccount(auditor, auditorUser);
  });

  afterAll(async () => {
    await running?.close();
    await storage?.dispose();
  });

  async function createAccount(name: string, user: TestUser) {
    const answer = await client.call(
      'CreateAccount',
      { Account: name, Profile: await user.profile() },
      as(name, user.device),
    );
    expect(answer.payload.StatusDescription).toBe('Created');
    expect(answer.httpStatus).toBe(201);
    return answer;
  }

  async function newAccount(prefix = 'user'): Promise<{ name: string; user: TestUser }> {
    const name = accountName(prefix);
    const user = await TestUser.create();
    await createAccount(name, user);
    return { name, user };
  }

  async function latestProfile(name: string): Promise<{ Identifier: string; SignedData: string }> {
    const answer = await client.call('Get', { Account: name });
    expect(answer.httpStatus).toBe(200);
    const items = answer.payload.DataItems as {
      Profile: { Identifier: string; SignedData: string };
    }[];
    return (items[0] as (typeof items)[number]).Profile;
  }

  async function logSize(): Promise<number> {
    const status = await client.call('Status', {});
    return statusCheckpoint(status.payload).TreeSize;
  }

  describe.skipIf(!backend.available)('each transaction', () => {
    it('Hello: versions, policy, service key, limits', async () => {
      const answer = await client.call('Hello', {});
      expect(answer.httpStatus).toBe(200);
      expect(answer.name).toBe('HelloResponse');
      expect(answer.payload).toMatchObject({
        Status: 200,
        Version: { Major: 1, Minor: 0 },
        PolicyAccount: { Minimum: 1, Maximum: 64 },
        Limits: { MaxRequestBytes: MAX_BODY, MaxPendingConnections: MAX_PENDING },
      });
      expect(serviceKey).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    });

    it('ValidateAccount: free, refused characters, too long, taken in any case', async () => {
      const free = await client.call('ValidateAccount', { Account: accountName('free') });
      expect(free.payload).toMatchObject({ Status: 200, Valid: true });
      const bad = await client.call('ValidateAccount', { Account: 'alice@example.com' });
      expect(bad.payload).toMatchObject({ Status: 200, Valid: false });
      expect(String(bad.payload.InvalidCharacters)).toContain('@');
      expect(String(bad.payload.Reason)).toMatch(/local part/);
      const long = await client.call('ValidateAccount', { Account: 'a'.repeat(65) });
      expect(long.payload).toMatchObject({ Valid: false });
      const { name } = await newAccount('taken');
      const taken = await client.call('ValidateAccount', { Account: name.toUpperCase() });
      expect(taken.payload).toMatchObject({ Valid: false, Reason: 'the name is taken' });
    });

    it('CreateAccount: 201; a taken name in another case is 409; a bad name is 400', async () => {
      const { name } = await newAccount('create');
      const other = await TestUser.create();
      const again = await client.call(
        'CreateAccount',
        { Account: name.toUpperCase(), Profile: await other.profile() },
        as(name.toUpperCase(), other.device),
      );
      expect(again.httpStatus).toBe(409);
      expect(again.payload.Status).toBe(409);
      const badName = await client.call(
        'CreateAccount',
        { Account: 'no!bang', Profile: await other.profile() },
        as('no!bang', other.device),
      );
      expect(badName.httpStatus).toBe(400);
      expect(badName.payload.StatusDescription).toMatch(/CreateRequest.Account/);
    });

    it('CreateAccount: needs an Authorization by a device the profile lists', async () => {
      const user = await TestUser.create();
      const name = accountName('squat');
      const profile = await user.profile();
      const unsigned = await client.call('CreateAccount', { Account: name, Profile: profile });
      expect(unsigned.httpStatus).toBe(401);
      const stranger = await makeDevice('stranger');
      const foreign = await client.call(
        'CreateAccount',
        { Account: name, Profile: profile },
        as(name, stranger),
      );
      expect(foreign.httpStatus).toBe(401);
      expect(foreign.payload.StatusDescription).toMatch(/not a device of this account/);
      const taken = await client.call('ValidateAccount', { Account: name });
      expect(taken.payload.Valid).toBe(true);
    });

    it('CreateAccount: a profile whose chain does not verify is 401, a malformed one 400', async () => {
      const user = await TestUser.create();
      const name = accountName('forged');
      const profile = await user.profile();
      const [header, payload, signature] = profile.SignedData.split('.') as [
        string,
        string,
        string,
      ];
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      const forged = await client.call(
        'CreateAccount',
        { Account: name, Profile: { ...profile, SignedData: `${header}.${payload}.${flipped}` } },
        as(name, user.device),
      );
      expect(forged.httpStatus).toBe(401);
      const notJws = await client.call(
        'CreateAccount',
        { Account: name, Profile: { ...profile, SignedData: 'not-a-jws' } },
        as(name, user.device),
      );
      expect(notJws.httpStatus).toBe(400);
      expect(notJws.payload.StatusDescription).toMatch(/SignedData/);
    });

    it('CreateAccount: one profile cannot hold two open accounts', async () => {
      const { user } = await newAccount('twice');
      const name = accountName('twice');
      const answer = await client.call(
        'CreateAccount',
        { Account: name, Profile: await user.profile() },
        as(name, user.device),
      );
      expect(answer.httpStatus).toBe(409);
    });

    it('Get: by Account, by Identifier at 140 and 100 bits, by Device, and 404', async () => {
      const { name, user } = await newAccount('get');
      const byAccount = await client.call('Get', { Account: name.toUpperCase() });
      expect(byAccount.httpStatus).toBe(200);
      const items = byAccount.payload.DataItems as {
        Identifier: string;
        Type: string;
        Account: string;
      }[];
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ Type: 'PersonalProfile', Account: name });
      expect(udfMatches(items[0]?.Identifier ?? '', user.master.udf)).toBe(true);
      const byId = await client.call('Get', { Identifier: user.master.udf });
      expect(byId.payload.DataItems).toHaveLength(1);
      const short = user.master.udf.slice(0, 24); // 20 characters: 100 bits
      const byPrefix = await client.call('Get', { Identifier: short });
      expect(byPrefix.payload.DataItems).toHaveLength(1);
      const byDevice = await client.call('Get', {
        KeyValues: [{ Key: 'Device', Value: user.device.udf }],
      });
      expect(byDevice.payload.DataItems).toHaveLength(1);
      const missing = await client.call('Get', { Account: accountName('nobody') });
      expect(missing.httpStatus).toBe(404);
      const unknownId = await client.call('Get', { Identifier: (await makeDevice()).udf });
      expect(unknownId.httpStatus).toBe(404);
    });

    it('Publish: an update 202, the same version 200, Multiple lists every version', async () => {
      const { name, user } = await newAccount('publish');
      const second = await makeDevice('second');
      user.devices.push(second);
      const update = await client.call('Publish', { Profile: await user.profile() });
      expect(update.httpStatus).toBe(202);
      const same = await client.call('Publish', { Profile: await latestProfile(name) });
      expect(same.httpStatus).toBe(200);
      expect(same.payload.TransactionID).toBe(update.payload.TransactionID);
      const all = await client.call('Get', { Account: name, Multiple: true });
      expect(all.payload.DataItems).toHaveLength(2);
      const byNewDevice = await client.call('Get', {
        KeyValues: [{ Key: 'Device', Value: second.udf }],
      });
      expect(byNewDevice.payload.DataItems).toHaveLength(1);
    });

    it('Publish: signed by a key the previous version does not authorize is 401 and changes nothing', async () => {
      const { name, user } = await newAccount('unauth');
      const before = await latestProfile(name);
      const size = await logSize();
      const rogue = deriveKeyPair(generateSeed(), KEY_LABELS.masterOnlineSign, 'Ed25519');
      const rogueProfile = await user.profile(user.devices, { signer: rogue });
      const answer = await client.call('Publish', { Profile: rogueProfile });
      expect(answer.httpStatus).toBe(401);
      expect(await latestProfile(name)).toEqual(before);
      expect(await logSize()).toBe(size);
    });

    it('Publish: an old version replayed over a newer one is 401 and changes nothing', async () => {
      const { name, user } = await newAccount('replay');
      const old = await latestProfile(name);
      const removed = await makeDevice('to remove');
      user.devices.push(removed);
      expect((await client.call('Publish', { Profile: await user.profile() })).httpStatus).toBe(
        202,
      );
      user.devices.pop();
      expect((await client.call('Publish', { Profile: await user.profile() })).httpStatus).toBe(
        202,
      );
      const current = await latestProfile(name);
      const size = await logSize();
      const replay = await client.call('Publish', { Profile: old });
      expect(replay.httpStatus).toBe(401);
      expect(replay.payload.StatusDescription).toMatch(/not newer/);
      expect(await latestProfile(name)).toEqual(current);
      expect(await logSize()).toBe(size);
    });

    it('Publish: a profile without an account is 404', async () => {
      const user = await TestUser.create();
      const answer = await client.call('Publish', { Profile: await user.profile() });
      expect(answer.httpStatus).toBe(404);
    });

    it('Publish: escrow entries need the account, and their Identifier is theirs', async () => {
      const { name, user } = await newAccount('escrow');
      const entry = {
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
          ciphertext: 'AAAA',
          tag: 'AAAAAAAAAAAAAAAAAAAAAA',
        },
      };
      const unsigned = await client.call('Publish', { Account: name, EscrowEntry: entry });
      expect(unsigned.httpStatus).toBe(401);
      const first = await client.call(
        'Publish',
        { Account: name, EscrowEntry: entry },
        as(name, user.device),
      );
      expect(first.httpStatus).toBe(201);
      const again = await client.call(
        'Publish',
        { Account: name, EscrowEntry: entry },
        as(name, user.device),
      );
      expect(again.httpStatus).toBe(202);
      const found = await client.call('Get', { Identifier: entry.Identifier });
      expect(found.payload.DataItems).toMatchObject([{ Type: 'EscrowEntry', EscrowEntry: entry }]);
      const byAccount = await client.call('Get', {
        Account: name,
        KeyValues: [{ Key: 'Type', Value: 'EscrowEntry' }],
        Multiple: true,
      });
      expect(byAccount.payload.DataItems).toHaveLength(2);
      const other = await newAccount('escrow');
      const stolen = await client.call(
        'Publish',
        { Account: other.name, EscrowEntry: entry },
        as(other.name, other.user.device),
      );
      expect(stolen.httpStatus).toBe(409);
    });

    it('Get Full: the record, its position and an inclusion proof under a signed checkpoint', async () => {
      const { name } = await newAccount('full');
      const answer = await client.call('Get', { Account: name, Full: true });
      expect(answer.httpStatus).toBe(200);
      const checkpoint = answer.payload.Checkpoint as SignedCheckpoint;
      checkCheckpoint(checkpoint, serviceKey);
      const [item] = answer.payload.DataItems as {
        Record: string;
        LeafIndex: number;
        TransactionID: number;
        InclusionProof: string[];
        Profile: { SignedData: string };
      }[];
      expect(item?.LeafIndex).toBe((item?.TransactionID ?? 0) - 1);
      checkInclusion(
        checkpoint,
        item?.Record ?? '',
        item?.LeafIndex ?? -1,
        item?.InclusionProof ?? [],
      );
      const record = JSON.parse(item?.Record ?? '{}') as {
        Profile: { SignedData: string };
        Type: string;
      };
      expect(record.Type).toBe('CreateAccount');
      expect(record.Profile.SignedData).toBe(item?.Profile.SignedData);
      expect(() =>
        checkInclusion(
          checkpoint,
          `${item?.Record} `,
          item?.LeafIndex ?? -1,
          item?.InclusionProof ?? [],
        ),
      ).toThrow();
    });

    it('Get: MaxEntries pages with a PageKey; a forged PageKey is 400', async () => {
      const { name, user } = await newAccount('paged');
      for (let i = 0; i < 3; i++) {
        expect((await client.call('Publish', { Profile: await user.profile() })).httpStatus).toBe(
          202,
        );
      }
      const seen: number[] = [];
      let pageKey: string | undefined;
      let first = true;
      while (first || pageKey !== undefined) {
        const answer = await client.call(
          'Get',
          first
            ? { Account: name, Multiple: true, SearchConstraints: { MaxEntries: 1 } }
            : { SearchConstraints: { PageKey: pageKey, MaxEntries: 1 } },
        );
        first = false;
        expect(answer.httpStatus).toBe(200);
        for (const item of answer.payload.DataItems as { TransactionID: number }[])
          seen.push(item.TransactionID);
        pageKey = answer.payload.PageKey as string | undefined;
      }
      expect(seen).toHaveLength(4);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      const forged = await client.call('Get', {
        SearchConstraints: { PageKey: 'eyJrIjoiR2V0In0.AAAAAAAAAAAAAAAAAAAAAA' },
      });
      expect(forged.httpStatus).toBe(400);
      expect(forged.payload.StatusDescription).toMatch(/PageKey/);
    });

    it('Status: a signed checkpoint, a consistency proof from an earlier size, 404 beyond the log', async () => {
      const before = await client.call('Status', {});
      // One form of the checkpoint: its text (docs/architecture.md section 5), not a structured
      // copy too.
      expect(before.payload).not.toHaveProperty('Checkpoint');
      const older = statusCheckpoint(before.payload);
      checkCheckpoint(older, serviceKey);
      await newAccount('status');
      const after = await client.call('Status', { FromTreeSize: older.TreeSize });
      const newer = statusCheckpoint(after.payload);
      checkCheckpoint(newer, serviceKey);
      expect(newer.TreeSize).toBeGreaterThan(older.TreeSize);
      // The proof runs from the request's FromTreeSize to the answer's checkpoint; the two sizes
      // are not repeated, nor is LastWriteTime sent (docs/protocol.md "Status").
      const proof = after.payload.ConsistencyProof as { Path: string };
      expect(Object.keys(proof)).toEqual(['Path']);
      expect(after.payload).not.toHaveProperty('LastWriteTime');
      checkConsistency(older, newer, proof.Path);
      const beyond = await client.call('Status', { FromTreeSize: newer.TreeSize + 1000 });
      expect(beyond.httpStatus).toBe(404);
      expect(before.payload.ContainerStatus).toBeUndefined();
    });

    it('Upload, Download and Status: expected index, 409 Conflict, paging, container digests', async () => {
      const { name, user } = await newAccount('sync');
      const signed = () => as(name, user.device);
      const first = await client.call(
        'Upload',
        {
          Account: name,
          Updates: [
            {
              Container: 'catalog',
              ExpectedIndex: 0,
              Entries: [{ Payload: 'one' }, { Payload: 'two' }],
            },
          ],
        },
        signed(),
      );
      expect(first.httpStatus).toBe(201);
      expect(first.payload.Entries).toMatchObject([
        { Container: 'catalog', IndexRequest: 0, IndexContainer: 1, Result: 'Accept' },
        { Container: 'catalog', IndexRequest: 1, IndexContainer: 2, Result: 'Accept' },
      ]);
      const stale = await client.call(
        'Upload',
        {
          Account: name,
          Updates: [
            { Container: 'catalog', ExpectedIndex: 0, Entries: [{ Payload: 'late' }] },
            { Container: 'other', ExpectedIndex: 0, Entries: [{ Payload: 'x' }] },
          ],
        },
        signed(),
      );
      expect(stale.httpStatus).toBe(409);
      expect(stale.payload.ContainerStatus).toMatchObject([
        { Container: 'catalog', Index: 2 },
        { Container: 'other', Index: 0 },
      ]);
      expect(stale.payload.Entries).toMatchObject([
        { Container: 'catalog', Result: 'Conflict' },
        { Container: 'other', Result: 'Reject' },
      ]);
      const status = await client.call('Status', { Account: name }, signed());
      const containers = status.payload.ContainerStatus as {
        Container: string;
        Index: number;
        Digest: string;
      }[];
      expect(containers).toEqual([expect.objectContaining({ Container: 'catalog', Index: 2 })]);
      const { nextContainerDigest, EMPTY_CONTAINER_DIGEST } =
        await import('../../shared/protocol/container-digest');
      expect(containers[0]?.Digest).toBe(
        nextContainerDigest(nextContainerDigest(EMPTY_CONTAINER_DIGEST, 'one'), 'two'),
      );
      expect(containers[0]).not.toHaveProperty('Entries');
      // Since: the entries after the index the device holds come with the answer.
      const since = await client.call(
        'Status',
        {
          Account: name,
          Since: [
            { Container: 'catalog', Index: 1 },
            { Container: 'absent', Index: 0 },
          ],
        },
        signed(),
      );
      expect(since.payload.ContainerStatus).toEqual([
        expect.objectContaining({
          Container: 'catalog',
          Index: 2,
          Entries: [expect.objectContaining({ Index: 2, Payload: 'two' })],
        }),
      ]);
      // The account's own Upload: no Sender in the Status answer (Download still gives it).
      const [carried] = (since.payload.ContainerStatus as { Entries: object[] }[])[0]!.Entries;
      expect(carried).not.toHaveProperty('Sender');
      const upToDate = await client.call(
        'Status',
        { Account: name, Since: [{ Container: 'catalog', Index: 2 }] },
        signed(),
      );
      expect((upToDate.payload.ContainerStatus as Record<string, unknown>[])[0]).not.toHaveProperty(
        'Entries',
      );
      const after = await client.call(
        'Download',
        { Account: name, Select: [{ Container: 'catalog', IndexMin: 2 }] },
        signed(),
      );
      expect(after.payload.Updates).toMatchObject([
        { Container: 'catalog', Index: 2, Entries: [{ Index: 2, Payload: 'two', Sender: name }] },
      ]);
      const page = await client.call(
        'Download',
        { Account: name, Select: [{ Container: 'catalog' }], MaxEntries: 1 },
        signed(),
      );
      const update = (
        page.payload.Updates as { Entries: { Index: number }[]; PageKey?: string }[]
      )[0];
      expect(update?.Entries.map((e) => e.Index)).toEqual([1]);
      expect(update?.PageKey).toBeDefined();
      const rest = await client.call(
        'Download',
        { Account: name, Select: [{ Container: 'catalog', PageKey: update?.PageKey }] },
        signed(),
      );
      const restUpdate = (
        rest.payload.Updates as { Entries: { Index: number }[]; PageKey?: string }[]
      )[0];
      expect(restUpdate?.Entries.map((e) => e.Index)).toEqual([2]);
      expect(restUpdate?.PageKey).toBeUndefined();
      const empty = await client.call(
        'Download',
        { Account: name, Select: [{ Container: 'never' }] },
        signed(),
      );
      expect(empty.payload.Updates).toMatchObject([{ Container: 'never', Index: 0, Entries: [] }]);
    });

    it('Post: delivers to the recipients inbound spool with the sender; unknown recipient 404', async () => {
      const alice = await newAccount('alice');
      const bob = await newAccount('bob');
      const sent = await client.call(
        'Post',
        {
          Account: alice.name,
          Accounts: [bob.name.toUpperCase()],
          Message: [{ Payload: 'hello bob' }],
        },
        as(alice.name, alice.user.device),
      );
      expect(sent.httpStatus).toBe(201);
      expect(sent.payload.Entries).toMatchObject([
        { Account: bob.name, Container: 'mmm_Inbound', IndexContainer: 1 },
      ]);
      const inbox = await client.call(
        'Download',
        { Account: bob.name, Select: [{ Container: 'mmm_Inbound' }] },
        as(bob.name, bob.user.device),
      );
      expect(inbox.payload.Updates).toMatchObject([
        { Entries: [{ Index: 1, Payload: 'hello bob', Sender: alice.name }] },
      ]);
      const nobody = await client.call(
        'Post',
        {
          Account: alice.name,
          Accounts: [bob.name, accountName('nobody')],
          Message: [{ Payload: 'x' }],
        },
        as(alice.name, alice.user.device),
      );
      expect(nobody.httpStatus).toBe(404);
      const unsigned = await client.call('Post', {
        Account: alice.name,
        Accounts: [bob.name],
        Message: [{ Payload: 'x' }],
      });
      expect(unsigned.httpStatus).toBe(401);
    });

    it('Connect: start, pending, status long poll answered within a second of ConnectComplete', async () => {
      const { name, user } = await newAccount('connect');
      const admin = () => as(name, user.device);
      const phone = await makeDevice('phone');
      const { signed, clientNonce } = await connectionRequest(phone, user.master.udf);
      const start = await client.call('ConnectStart', { AccountID: name, SignedRequest: signed });
      expect(start.httpStatus).toBe(201);
      const profile = start.payload.Profile as { Identifier: string };
      expect(start.payload.Witness).toBe(
        computeWitness({
          profileUdf: profile.Identifier,
          serverNonce: String(start.payload.ServerNonce),
          deviceUdf: phone.udf,
          clientNonce,
        }),
      );
      expect(start.payload.PinVerified).toBe(false);
      const pending = await client.call('ConnectPending', { AccountID: name }, admin());
      expect(pending.httpStatus).toBe(200);
      expect(pending.payload.Pending).toMatchObject([
        {
          SignedRequest: signed,
          ServerNonce: start.payload.ServerNonce,
          Witness: start.payload.Witness,
          PinVerified: false,
        },
      ]);
      const phoneSigning = () => as(name, phone);
      const notYet = await client.call(
        'ConnectStatus',
        { AccountID: name, DeviceID: phone.udf },
        phoneSigning(),
      );
      expect(notYet.payload).toMatchObject({ Status: 200, Pending: true });
      const unsigned = await client.call('ConnectStatus', { AccountID: name, DeviceID: phone.udf });
      expect(unsigned.httpStatus).toBe(401);
      const byAdmin = await client.call(
        'ConnectStatus',
        { AccountID: name, DeviceID: phone.udf },
        admin(),
      );
      expect(byAdmin.httpStatus).toBe(401);

      const acceptedTooEarly = await client.call(
        'ConnectComplete',
        { AccountID: name, Result: await connectionResult(user.master, phone, 'Accepted') },
        admin(),
      );
      expect(acceptedTooEarly.httpStatus).toBe(409);
      const byDeviceKey = await client.call(
        'ConnectComplete',
        {
          AccountID: name,
          Result: await connectionResult(user.master, phone, 'Refused', user.device.sign),
        },
        admin(),
      );
      expect(byDeviceKey.httpStatus).toBe(401);

      const waiting = client.call(
        'ConnectStatus',
        { AccountID: name, DeviceID: phone.udf, WaitSeconds: 20 },
        phoneSigning(),
      );
      const waitingStarted = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 200));
      user.devices.push(phone);
      expect((await client.call('Publish', { Profile: await user.profile() })).httpStatus).toBe(
        202,
      );
      const result = await connectionResult(user.master, phone, 'Accepted');
      const complete = await client.call(
        'ConnectComplete',
        { AccountID: name, Result: result },
        admin(),
      );
      expect(complete.httpStatus).toBe(200);
      const completedAt = performance.now();
      const answered = await waiting;
      const answeredAt = performance.now();
      expect(answered.payload).toMatchObject({ Status: 200, Pending: false, Result: result });
      expect(answeredAt - completedAt).toBeLessThan(1000);
      expect(answeredAt - waitingStarted).toBeLessThan(15_000);
      const twice = await client.call(
        'ConnectComplete',
        { AccountID: name, Result: result },
        admin(),
      );
      expect(twice.httpStatus).toBe(409);
      const listed = await client.call('ConnectPending', { AccountID: name }, admin());
      expect(listed.payload.Pending).toEqual([]);
      const again = await client.call('ConnectStart', { AccountID: name, SignedRequest: signed });
      expect(again.httpStatus).toBe(409);
      // The new device now authenticates as a device of the account.
      const asPhone = await client.call('Status', { Account: name }, phoneSigning());
      expect(asPhone.httpStatus).toBe(200);
    });

    it('Connect: a wrong ParentUDF is 401; a refused request reports Refused', async () => {
      const { name, user } = await newAccount('refuse');
      const other = await TestUser.create();
      const laptop = await makeDevice('laptop');
      const wrongParent = await connectionRequest(laptop, other.master.udf);
      expect(
        (await client.call('ConnectStart', { AccountID: name, SignedRequest: wrongParent.signed }))
          .httpStatus,
      ).toBe(401);
      const forgedSigner = await connectionRequest(laptop, user.master.udf, {
        signer: other.device.sign,
      });
      expect(
        (await client.call('ConnectStart', { AccountID: name, SignedRequest: forgedSigner.signed }))
          .httpStatus,
      ).toBe(401);
      const { signed } = await connectionRequest(laptop, user.master.udf);
      expect(
        (await client.call('ConnectStart', { AccountID: name, SignedRequest: signed })).httpStatus,
      ).toBe(201);
      const refused = await connectionResult(user.master, laptop, 'Refused');
      expect(
        (
          await client.call(
            'ConnectComplete',
            { AccountID: name, Result: refused },
            as(name, user.device),
          )
        ).httpStatus,
      ).toBe(200);
      const status = await client.call(
        'ConnectStatus',
        { AccountID: name, DeviceID: laptop.udf },
        as(name, laptop),
      );
      expect(status.payload).toMatchObject({ Pending: false, Result: refused });
      const unknown = await makeDevice('unknown');
      const none = await client.call(
        'ConnectStatus',
        { AccountID: name, DeviceID: unknown.udf },
        as(name, unknown),
      );
      expect(none.httpStatus).toBe(404);
      const noAccount = await client.call('ConnectStart', {
        AccountID: accountName('nobody'),
        SignedRequest: signed,
      });
      expect(noAccount.httpStatus).toBe(404);
    });

    it('Connect: a request over the limit pushes out the oldest unproven one', async () => {
      const { name, user } = await newAccount('crowd');
      const devices: string[] = [];
      for (let i = 0; i < MAX_PENDING; i++) {
        const device = await makeDevice(`d${i}`);
        devices.push(device.udf);
        const { signed } = await connectionRequest(device, user.master.udf);
        expect(
          (await client.call('ConnectStart', { AccountID: name, SignedRequest: signed }))
            .httpStatus,
        ).toBe(201);
      }
      const { signed } = await connectionRequest(await makeDevice('one too many'), user.master.udf);
      const over = await client.call('ConnectStart', { AccountID: name, SignedRequest: signed });
      expect(over.httpStatus).toBe(201);
      const all = await client.call('ConnectPending', { AccountID: name }, as(name, user.device));
      const listed = (all.payload.Pending as { DeviceID: string }[]).map((p) => p.DeviceID);
      expect(listed).toHaveLength(MAX_PENDING);
      expect(listed.some((id) => udfMatches(id, devices[0] ?? ''))).toBe(false);
      const paged = await client.call(
        'ConnectPending',
        { AccountID: name, SearchConstraints: { MaxEntries: 2 } },
        as(name, user.device),
      );
      expect(paged.payload.Pending).toHaveLength(2);
      const rest = await client.call(
        'ConnectPending',
        { AccountID: name, SearchConstraints: { PageKey: String(paged.payload.PageKey) } },
        as(name, user.device),
      );
      expect(rest.payload.Pending).toHaveLength(1);
    });

    it('Connect with a PIN: auto-approvable, single use, wrong proof refused', async () => {
      const { name, user } = await newAccount('pin');
      const admin = () => as(name, user.device);
      const pin = 'K7QD-3MZX-P2WB-9TLA';
      const keys = derivePinKeys(pin);
      const expires = new Date(Date.now() + 10 * 60_000).toISOString();
      const registration = {
        AccountID: name,
        PinID: keys.pinId,
        PinKey: base64urlEncode(keys.serviceKey),
        Expires: expires,
      };
      const unsigned = await client.call('ConnectPin', registration);
      expect(unsigned.httpStatus).toBe(401);
      const registered = await client.call('ConnectPin', registration, admin());
      expect(registered.httpStatus).toBe(201);
      const duplicate = await client.call('ConnectPin', registration, admin());
      expect(duplicate.httpStatus).toBe(409);
      const past = await client.call(
        'ConnectPin',
        {
          AccountID: name,
          PinID: derivePinKeys('AAAA-BBBB').pinId,
          PinKey: base64urlEncode(keys.serviceKey),
          Expires: new Date(Date.now() - 1000).toISOString(),
        },
        admin(),
      );
      expect(past.httpStatus).toBe(400);

      const tablet = await makeDevice('tablet');
      const clientNonce = randomNonce();
      const claims = { account: name, clientNonce, deviceUdf: tablet.udf };
      const wrong = await connectionRequest(tablet, user.master.udf, {
        clientNonce,
        pinId: keys.pinId,
        pinProof: computePinProof(derivePinKeys('WRON-GPIN').serviceKey, claims),
      });
      expect(
        (await client.call('ConnectStart', { AccountID: name, SignedRequest: wrong.signed }))
          .httpStatus,
      ).toBe(401);
      const right = await connectionRequest(tablet, user.master.udf, {
        clientNonce,
        pinId: keys.pinId,
        pinProof: computePinProof(keys.serviceKey, claims),
        pinAdminProof: computePinProof(keys.adminKey, claims),
      });
      const start = await client.call('ConnectStart', {
        AccountID: name,
        SignedRequest: right.signed,
      });
      expect(start.httpStatus).toBe(201);
      expect(start.payload.PinVerified).toBe(true);
      const pending = await client.call('ConnectPending', { AccountID: name }, admin());
      expect(pending.payload.Pending).toMatchObject([{ PinID: keys.pinId, PinVerified: true }]);
      const reuse = await client.call('ConnectStart', {
        AccountID: name,
        SignedRequest: right.signed,
      });
      expect(reuse.httpStatus).toBe(401);
    });

    it('DeleteAccount: closes the account; its name stays taken; it no longer authenticates', async () => {
      const { name, user } = await newAccount('delete');
      const waiting = await makeDevice('waiting');
      const { signed } = await connectionRequest(waiting, user.master.udf);
      expect(
        (await client.call('ConnectStart', { AccountID: name, SignedRequest: signed })).httpStatus,
      ).toBe(201);
      const unsigned = await client.call('DeleteAccount', { Account: name });
      expect(unsigned.httpStatus).toBe(401);
      const deleted = await client.call('DeleteAccount', { Account: name }, as(name, user.device));
      expect(deleted.httpStatus).toBe(200);
      expect((await client.call('Get', { Account: name })).httpStatus).toBe(404);
      expect(
        (await client.call('Status', { Account: name }, as(name, user.device))).httpStatus,
      ).toBe(404);
      const orphan = await client.call(
        'ConnectStatus',
        { AccountID: name, DeviceID: waiting.udf },
        as(name, waiting),
      );
      expect(orphan.httpStatus).toBe(404);
      const other = await TestUser.create();
      const recreate = await client.call(
        'CreateAccount',
        { Account: name, Profile: await other.profile() },
        as(name, other.device),
      );
      expect(recreate.httpStatus).toBe(409);
      // The same profile may be bound to a new name once its account is closed.
      const rename = accountName('renamed');
      const rebound = await client.call(
        'CreateAccount',
        { Account: rename, Profile: await user.profile() },
        as(rename, user.device),
      );
      expect(rebound.httpStatus).toBe(201);
    });

    it('Transfer: 401 for an account not trusted with the log; the whole log hashes to the checkpoint', async () => {
      const { name, user } = await newAccount('transfer');
      const refused = await client.call('Transfer', { Account: name }, as(name, user.device));
      expect(refused.httpStatus).toBe(401);
      const { records, checkpoint } = await transferWholeLog(
        client,
        () => as(auditor, auditorUser.device),
        auditor,
      );
      checkCheckpoint(checkpoint, serviceKey);
      expect(records.length).toBe(checkpoint.TreeSize);
      expect(records[0]).toMatchObject({ TransactionID: 1, Type: 'CreateAccount' });
      const page = await client.call(
        'Transfer',
        {
          Account: auditor,
          FromTransaction: 2,
          ToTransaction: 3,
          SearchConstraints: { MaxEntries: 1 },
        },
        as(auditor, auditorUser.device),
      );
      expect(page.payload.DataItems).toMatchObject([{ TransactionID: 2, LeafIndex: 1 }]);
      expect(page.payload.PageKey).toBeDefined();
    });
  });

  describe.skipIf(!backend.available)('authentication (401)', () => {
    let name: string;
    let user: TestUser;
    beforeAll(async () => {
      ({ name, user } = await newAccount('auth'));
    });
    const download = (account: string) => ({ Account: account, Select: [{ Container: 'c' }] });

    it('accepts a correctly signed request', async () => {
      expect(
        (await client.call('Download', download(name), as(name, user.device))).httpStatus,
      ).toBe(200);
    });

    it('refuses a missing or malformed header', async () => {
      expect((await client.call('Download', download(name))).httpStatus).toBe(401);
      const malformed = await client.raw(JSON.stringify({ DownloadRequest: download(name) }), {
        authorization: 'Mesh account="x"',
      });
      expect(malformed.httpStatus).toBe(401);
      expect(malformed.payload.StatusDescription).toMatch(/Authorization/);
    });

    it('refuses a bad signature (over another body)', async () => {
      const answer = await client.call(
        'Download',
        download(name),
        as(name, user.device, { signBody: new TextEncoder().encode('another body') }),
      );
      expect(answer.httpStatus).toBe(401);
      expect(answer.payload.StatusDescription).toMatch(/signature/);
    });

    it('refuses a device the account does not list, and a header naming another account', async () => {
      const stranger = await makeDevice('stranger');
      const unknown = await client.call('Download', download(name), as(name, stranger));
      expect(unknown.httpStatus).toBe(401);
      expect(unknown.payload.StatusDescription).toMatch(/not a device/);
      const other = await newAccount('other');
      const crossed = await client.call(
        'Download',
        download(name),
        as(other.name, other.user.device),
      );
      expect(crossed.httpStatus).toBe(401);
    });

    it('refuses a stale or future time', async () => {
      const stale = await client.call(
        'Download',
        download(name),
        as(name, user.device, { time: new Date(Date.now() - 301_000) }),
      );
      expect(stale.httpStatus).toBe(401);
      expect(stale.payload.StatusDescription).toMatch(/time/);
      const future = await client.call(
        'Download',
        download(name),
        as(name, user.device, { time: new Date(Date.now() + 301_000) }),
      );
      expect(future.httpStatus).toBe(401);
    });

    it('refuses a replayed nonce, also on a write', async () => {
      const nonce = randomNonce();
      const body = new TextEncoder().encode(JSON.stringify({ DownloadRequest: download(name) }));
      const header = authorizationFor(body, as(name, user.device, { nonce }));
      expect((await client.raw(body, { authorization: header })).httpStatus).toBe(200);
      const replay = await client.raw(body, { authorization: header });
      expect(replay.httpStatus).toBe(401);
      expect(replay.payload.StatusDescription).toMatch(/replay/);
      const upload = new TextEncoder().encode(
        JSON.stringify({
          UploadRequest: {
            Account: name,
            Updates: [{ Container: 'r', ExpectedIndex: 0, Entries: [{ Payload: 'p' }] }],
          },
        }),
      );
      const uploadHeader = authorizationFor(upload, as(name, user.device));
      expect((await client.raw(upload, { authorization: uploadHeader })).httpStatus).toBe(201);
      expect((await client.raw(upload, { authorization: uploadHeader })).httpStatus).toBe(401);
    });

    it('answers 404 for an account that does not exist', async () => {
      const nobody = accountName('nobody');
      expect(
        (await client.call('Download', download(nobody), as(nobody, user.device))).httpStatus,
      ).toBe(404);
    });
  });

  describe.skipIf(!backend.available)('malformed requests (400, 404, 413; never 500)', () => {
    it('bad JSON, not an object, zero or two members, unknown message', async () => {
      const cases: [string, RegExp][] = [
        ['{"HelloRequest":', /not valid JSON/],
        ['[1,2]', /JSON object/],
        ['{}', /exactly one member/],
        ['{"HelloRequest":{},"GetRequest":{}}', /exactly one member/],
        ['{"StealRequest":{}}', /StealRequest is not a request message/],
        ['"HelloRequest"', /JSON object/],
        ['', /not valid JSON/],
      ];
      for (const [body, description] of cases) {
        const answer = await client.raw(body);
        expect(answer.httpStatus, body).toBe(400);
        expect(answer.name).toBe('MeshResponse');
        expect(answer.payload.StatusDescription).toMatch(description);
      }
    });

    it('wrong field types, unknown and missing fields name the field', async () => {
      const cases: [unknown, string][] = [
        [{ GetRequest: { Identifier: 5 } }, 'GetRequest.Identifier'],
        [
          { GetRequest: { Account: 'a', SearchConstraints: { MaxEntries: 'ten' } } },
          'GetRequest.SearchConstraints.MaxEntries',
        ],
        [{ ValidateRequest: {} }, 'ValidateRequest.Account'],
        [{ ValidateRequest: { Account: 'a', Extra: true } }, 'ValidateRequest.Extra'],
        [
          {
            UploadRequest: {
              Account: 'a',
              Updates: [{ Container: '../x', ExpectedIndex: 0, Entries: [{ Payload: 'p' }] }],
            },
          },
          'UploadRequest.Updates.0.Container',
        ],
        [{ StatusRequest: { FromTreeSize: -1 } }, 'StatusRequest.FromTreeSize'],
        [{ HelloRequest: null }, 'HelloRequest'],
        [{ PublishRequest: {} }, 'PublishRequest.Profile'],
        [
          {
            ConnectStartRequest: {
              AccountID: 'a',
              SignedRequest: { Identifier: 'nope', SignedData: 'a.b.c' },
            },
          },
          'ConnectStartRequest.SignedRequest.Identifier',
        ],
      ];
      for (const [body, field] of cases) {
        const answer = await client.raw(JSON.stringify(body));
        expect(answer.httpStatus, JSON.stringify(body)).toBe(400);
        expect(
          answer.payload.StatusDescription.startsWith(field),
          answer.payload.StatusDescription,
        ).toBe(true);
      }
    });

    it('another path is 404, another method 400', async () => {
      const wrongPath = await fetch(`${running.url}/elsewhere`, { method: 'POST', body: '{}' });
      expect(wrongPath.status).toBe(404);
      const wrongMethod = await fetch(`${running.url}/.well-known/mmm/`);
      expect(wrongMethod.status).toBe(400);
      expect(await wrongMethod.json()).toMatchObject({ MeshResponse: { Status: 400 } });
    });

    it('a body over the limit is 413 before it is read (declared or streamed)', async () => {
      expect(await postLarge(running.url, 64 * 1024 * 1024)).toBe(413);
      expect(await postLarge(running.url, undefined)).toBe(413);
      // The service still answers afterwards.
      expect((await client.call('Hello', {})).httpStatus).toBe(200);
    });

    it('random mutations of valid requests never give 500', async () => {
      const { name, user } = await newAccount('fuzz');
      const seeds: unknown[] = [
        { GetRequest: { Account: name, Full: true, SearchConstraints: { MaxEntries: 2 } } },
        {
          UploadRequest: {
            Account: name,
            Updates: [{ Container: 'c', ExpectedIndex: 0, Entries: [{ Payload: 'x' }] }],
          },
        },
        {
          ConnectStartRequest: {
            AccountID: name,
            SignedRequest: (await connectionRequest(await makeDevice(), user.master.udf)).signed,
          },
        },
        { PublishRequest: { Profile: await user.profile() } },
        { StatusRequest: { FromTreeSize: 1, Account: name } },
      ];
      let seed = 12345;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const replacements: unknown[] = [
        null,
        -1,
        1e308,
        '',
        'x'.repeat(300),
        [],
        {},
        true,
        '\u0000',
        2 ** 53,
      ];
      const mutate = (value: unknown, depth: number): unknown => {
        if (depth > 0 && random(4) === 0) return replacements[random(replacements.length)];
        if (Array.isArray(value)) return value.map((v) => mutate(v, depth + 1));
        if (typeof value === 'object' && value !== null) {
          const entries = Object.entries(value).map(([k, v]) => [
            random(12) === 0 ? `${k}x` : k,
            mutate(v, depth + 1),
          ]);
          return Object.fromEntries(entries);
        }
        if (typeof value === 'string' && random(3) === 0)
          return value.slice(0, random(value.length + 1));
        return value;
      };
      for (let i = 0; i < 150; i++) {
        const body = JSON.stringify(mutate(seeds[i % seeds.length], 0));
        const answer = await client.raw(body);
        expect(answer.httpStatus, body.slice(0, 300)).not.toBe(500);
        expect(answer.payload.Status).toBe(answer.httpStatus);
      }
    });
  });
});
