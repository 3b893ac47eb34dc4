// The client and the verifier together over HTTP: a service that forks its log between two
// syncs is caught, and a service that swaps its key is refused.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointVerifier } from '../../../electron/core/protocol/checkpoint-verifier';
import { MeshServiceClient } from '../../../electron/core/protocol/mesh-service-client';
import { verifiedGet, verifiedStatus } from '../../../electron/core/protocol/verified-log';
import { LocalStore } from '../../../electron/core/store/local-store';
import { memoryKeyStore } from '../store/memory-key-store';
import { FakeLog } from './fake-log';
import { meshAnswer, startFakeService, type FakeService } from './fake-service';

let directory: string;
let store: LocalStore;
let service: FakeService;
let log: FakeLog;

beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-verified-'));
  store = await LocalStore.open({ path: join(directory, 'store.db'), keyStore: memoryKeyStore() });
  log = new FakeLog().append('p1', 'p2', 'p3', 'p4', 'p5');
  // The service answers from whatever `log` is at the time: tests swap it to fork.
  service = await startFakeService((request) => {
    switch (request.name) {
      case 'HelloRequest':
        return meshAnswer('HelloResponse', 200, log.hello());
      case 'StatusRequest':
        return { body: { StatusResponse: log.status(request.fields.FromTreeSize as number) } };
      case 'GetRequest':
        return { body: { GetResponse: log.fullGet(Number(request.fields.Identifier)) } };
      default:
        return meshAnswer('MeshResponse', 400);
    }
  });
});
afterEach(async () => {
  store.close();
  await service.close();
  await fs.rm(directory, { recursive: true, force: true });
});

describe('verified log over HTTP', () => {
  it('pins the key, follows the log as it grows, and proves fetched items', async () => {
    const client = new MeshServiceClient({ url: service.url });
    const verifier = new CheckpointVerifier(store, `127.0.0.1:${service.port}`);
    const first = await verifiedStatus(client, verifier);
    expect(first.checkpoint.TreeSize).toBe(5);
    log.append('p6', 'p7');
    const second = await verifiedStatus(client, verifier);
    expect(second.checkpoint.TreeSize).toBe(7);
    const status = service.requests.filter((r) => r.name === 'StatusRequest');
    expect(status.map((r) => r.fields.FromTreeSize)).toEqual([undefined, 5]);
    const got = await verifiedGet(client, verifier, { Identifier: '3' });
    expect(got.DataItems[0]?.Record).toBe('p4');
    expect(service.requests.filter((r) => r.name === 'HelloRequest')).toHaveLength(1);
    expect(service.requests.find((r) => r.name === 'GetRequest')?.fields.Full).toBe(true);
  });

  it('catches a service that forks its log between two syncs (LOG_INCONSISTENT)', async () => {
    const client = new MeshServiceClient({ url: service.url });
    const verifier = new CheckpointVerifier(store, `127.0.0.1:${service.port}`);
    await verifiedStatus(client, verifier);
    log = log.fork(3, 'rewritten', 'p5', 'p6');
    await expect(verifiedStatus(client, verifier)).rejects.toMatchObject({
      code: 'LOG_INCONSISTENT',
    });
    await expect(verifiedGet(client, verifier, { Identifier: '4' })).rejects.toMatchObject({
      code: 'LOG_INCONSISTENT',
    });
    expect(verifier.checkpoint?.TreeSize).toBe(5);
  });

  it('refuses a service whose key changed since first contact', async () => {
    const client = new MeshServiceClient({ url: service.url });
    const verifier = new CheckpointVerifier(store, `127.0.0.1:${service.port}`);
    await verifiedStatus(client, verifier);
    log = new FakeLog().append('p1', 'p2', 'p3', 'p4', 'p5', 'p6');
    await expect(verifiedStatus(client, verifier)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });
});
