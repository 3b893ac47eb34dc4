// The protocol client against the real service (service/service.ts buildService), on SQLite
// over loopback HTTP: discovery by address, unsigned and signed transactions, typed failures,
// and the CheckpointVerifier following the real log's checkpoints and proofs.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type MeshService } from '../../../service/service';
import { parseAccountAddress } from '../../../electron/core/protocol/account-address';
import { CheckpointVerifier } from '../../../electron/core/protocol/checkpoint-verifier';
import { MeshServiceClient } from '../../../electron/core/protocol/mesh-service-client';
import { verifiedGet, verifiedStatus } from '../../../electron/core/protocol/verified-log';
import { createAccount } from '../../../electron/core/profile/create-account';
import {
  openDeviceContext,
  type DeviceContext,
} from '../../../electron/core/session/device-context';
import { LocalStore } from '../../../electron/core/store/local-store';
import { memoryKeyStore } from '../store/memory-key-store';
import { testSigner, uploadRequest } from './test-signer';

let directory: string;
let service: MeshService;
let address: string;
let store: LocalStore;
let context: DeviceContext;

beforeAll(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-real-service-'));
  service = await buildService({
    storage: { kind: 'sqlite', directory: join(directory, 'service') },
  });
  const listening = await service.listen({ port: 0, host: '127.0.0.1' });
  address = `alice@127.0.0.1:${listening.port}`;
  store = await LocalStore.open({ path: join(directory, 'client.db'), keyStore: memoryKeyStore() });
  context = await openDeviceContext({
    home: join(directory, 'home'),
    keyStore: { kind: 'file', passphrase: 'real service test' },
    keyStoreOptions: { scryptLogN: 15 },
  });
});
afterAll(async () => {
  await context?.close();
  store?.close();
  await service?.close();
  await fs.rm(directory, { recursive: true, force: true });
});

describe('protocol client against the real service', () => {
  it('discovers the service by address and runs public transactions', async () => {
    const client = await MeshServiceClient.forAccount(address);
    expect(client.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/mmm\/$/);
    const hello = await client.call('Hello', {});
    expect(hello.ServiceKey.PublicParameters.crv).toBe('Ed25519');
    expect((await client.call('ValidateAccount', { Account: 'alice' })).Valid).toBe(true);
    const refused = await client.call('ValidateAccount', { Account: 'not valid!' });
    expect(refused.Valid).toBe(false);
  });

  it('follows the real log: checkpoints, consistency proofs and inclusion proofs verify', async () => {
    const client = await MeshServiceClient.forAccount(address);
    const verifier = new CheckpointVerifier(store, parseAccountAddress(address).service);
    const before = await verifiedStatus(client, verifier);
    expect(verifier.serviceKey).toEqual(service.serviceKey.publicKey); // pinned at first contact

    const created = await createAccount(context, { address, deviceName: 'test device' });

    // The log grew: the new checkpoint must be proven consistent with the first one.
    let after = await verifiedStatus(client, verifier);
    for (let i = 0; i < 50 && after.checkpoint.TreeSize === before.checkpoint.TreeSize; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the next checkpoint
      after = await verifiedStatus(client, verifier);
    }
    expect(after.checkpoint.TreeSize).toBeGreaterThan(before.checkpoint.TreeSize);

    const got = await verifiedGet(client, verifier, { Identifier: created.profileUdf });
    expect(got.DataItems.length).toBeGreaterThan(0);
    expect(got.DataItems[0]?.InclusionProof).toBeDefined();
  });

  it('signs requests the real service accepts, and gets typed failures from it', async () => {
    const binding = await context.requireAccount();
    const signer = await context.requestSigner(binding.account);
    const client = (await MeshServiceClient.forAccount(address)).withSigner(signer);

    const status = await client.call('Status', { Account: binding.account });
    expect(status.ContainerStatus).toBeDefined();

    const request = uploadRequest(binding.account);
    request.Updates[0]!.Container = 'mmm_ClientTest';
    const uploaded = await client.call('Upload', request);
    expect(uploaded.Entries[0]?.Result).toBe('Accept');

    // The same expected index again: another device "got there first".
    const conflict = await client.exchange('Upload', request);
    expect(conflict).toMatchObject({ ok: false, status: 409 });
    await expect(client.call('Upload', request)).rejects.toMatchObject({ code: 'CONFLICT' });

    const download = await client.call('Download', {
      Account: binding.account,
      Select: [{ Container: 'mmm_ClientTest' }],
    });
    expect(download.Updates[0]?.Entries.map((e) => e.Payload)).toEqual(['e1']);

    // A device the account does not list is refused.
    const stranger = client.withSigner(testSigner(binding.account).signer);
    await expect(
      stranger.call('Download', { Account: binding.account, Select: [{ Container: 'c' }] }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    // A name that is taken.
    await expect(createAccount(await freshContext(), { address })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
  });
});

async function freshContext(): Promise<DeviceContext> {
  const other = await openDeviceContext({
    home: join(directory, `home-${Math.random().toString(36).slice(2)}`),
    keyStore: { kind: 'file', passphrase: 'another device' },
    keyStoreOptions: { scryptLogN: 15 },
  });
  extraContexts.push(other);
  return other;
}
const extraContexts: DeviceContext[] = [];
afterAll(async () => {
  await Promise.all(extraContexts.map((c) => c.close()));
});
