/**
 * The kill-and-restart durability check (docs/architecture.md section 6): clients write while the
 * service is killed with SIGKILL at a random moment, again and again; after every restart each
 * acknowledged transaction must be there, the log must hash to the new checkpoint, and the new
 * checkpoint must be consistent with every checkpoint seen before the kills. Shared by the normal
 * (a few kills) and the slow (many kills) suites.
 */
import { expect } from 'vitest';
import type { SignedCheckpoint } from '../../shared/merkle/checkpoint';
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import { TestClient } from './support/client';
import { makeDevice, TestUser } from './support/identity';
import type { TestDevice } from './support/identity';
import { spawnService, stopService } from './support/child-service';
import type { ServiceProcess } from './support/child-service';
import {
  checkCheckpoint,
  statusCheckpoint,
  checkConsistency,
  serviceKeyOf,
  transferWholeLog,
} from './support/log-check';

interface Writer {
  readonly account: string;
  readonly user: TestUser;
  /** Acknowledged uploads: container index -> payload. */
  readonly acknowledged: Map<number, string>;
  index: number;
}

/** Options of one durability run. */
export interface DurabilityOptions {
  /** Service arguments for the storage (--data DIR or --postgres URL --postgres-schema S). */
  readonly storageArgs: readonly string[];
  readonly kills: number;
  readonly writers: number;
  /** Range of how long clients write before the kill, in ms. */
  readonly writeMs: readonly [number, number];
}

const CONTAINER = 'catalog';

/** Run kill-and-restart cycles and check everything acknowledged survived. */
export async function killAndRestart(
  options: DurabilityOptions,
): Promise<{ acknowledged: number; kills: number }> {
  const auditor = 'auditor';
  const args = [
    ...options.storageArgs,
    '--port',
    '0',
    '--rate',
    '0',
    '--log-level',
    'error',
    '--transfer-account',
    auditor,
  ];
  const auditorUser = await TestUser.create();
  let service: ServiceProcess = await spawnService(args);
  let client = new TestClient(service.url);
  const serviceKey: PublicKeyJwk = await serviceKeyOf(client);
  const created = await client.call(
    'CreateAccount',
    { Account: auditor, Profile: await auditorUser.profile() },
    { account: auditor, device: auditorUser.device },
  );
  expect(created.httpStatus).toBe(201);
  const writers: Writer[] = [];
  for (let i = 0; i < options.writers; i++) {
    const user = await TestUser.create();
    const account = `writer${i}`;
    const answer = await client.call(
      'CreateAccount',
      { Account: account, Profile: await user.profile() },
      { account, device: user.device },
    );
    expect(answer.httpStatus).toBe(201);
    writers.push({ account, user, acknowledged: new Map(), index: 0 });
  }
  const seenCheckpoints: SignedCheckpoint[] = [];
  const acknowledgedProfiles = new Map<string, number>();
  let acknowledgedCount = 0;
  let sequence = 0;

  for (let kill = 0; kill < options.kills; kill++) {
    let running = true;
    const uploads = writers.map(async (writer) => {
      while (running) {
        const payload = `w${writer.account}-${sequence++}-${'x'.repeat(200)}`;
        try {
          const answer = await client.call(
            'Upload',
            {
              Account: writer.account,
              Updates: [
                {
                  Container: CONTAINER,
                  ExpectedIndex: writer.index,
                  Entries: [{ Payload: payload }],
                },
              ],
            },
            { account: writer.account, device: writer.user.device },
          );
          if (answer.httpStatus === 201) {
            writer.index += 1;
            writer.acknowledged.set(writer.index, payload);
            acknowledgedCount++;
          } else if (answer.httpStatus === 409) {
            // A write of ours was committed but its answer lost in a kill: catch up.
            writer.index =
              (answer.payload.ContainerStatus as { Index: number }[])[0]?.Index ?? writer.index;
          } else {
            throw new Error(`unexpected answer ${answer.text}`);
          }
        } catch (error) {
          if (running) throw error;
          return; // the service died under this request: not acknowledged
        }
      }
    });
    const publishes = (async () => {
      const writer = writers[kill % writers.length] as Writer;
      while (running) {
        const device: TestDevice = await makeDevice(`device ${kill}`);
        const profile = await writer.user.profile([writer.user.device, device]);
        try {
          const answer = await client.call('Publish', { Profile: profile });
          if (answer.httpStatus !== 202) throw new Error(`unexpected answer ${answer.text}`);
          acknowledgedProfiles.set(profile.SignedData, answer.payload.TransactionID as number);
          acknowledgedCount++;
        } catch (error) {
          if (running) throw error;
          return;
        }
      }
    })();
    const status = await client.call('Status', {});
    seenCheckpoints.push(statusCheckpoint(status.payload));
    const [low, high] = options.writeMs;
    await new Promise((resolve) => setTimeout(resolve, low + Math.random() * (high - low)));
    running = false;
    expect(await stopService(service, 'SIGKILL')).toBe('SIGKILL');
    await Promise.all([...uploads, publishes]);

    service = await spawnService(args);
    client = new TestClient(service.url);
    expect(await serviceKeyOf(client)).toEqual(serviceKey);

    // Every acknowledged upload is there, at its index, with its payload.
    for (const writer of writers) {
      const status = await client.call(
        'Status',
        { Account: writer.account },
        { account: writer.account, device: writer.user.device },
      );
      const index = (status.payload.ContainerStatus as { Index: number }[])[0]?.Index ?? 0;
      expect(index).toBeGreaterThanOrEqual(writer.index);
      writer.index = index;
      let next = 1;
      let pageKey: string | undefined;
      do {
        const page = await client.call(
          'Download',
          {
            Account: writer.account,
            Select: [
              pageKey === undefined
                ? { Container: CONTAINER, IndexMin: next }
                : { Container: CONTAINER, PageKey: pageKey },
            ],
          },
          { account: writer.account, device: writer.user.device },
        );
        const update = (
          page.payload.Updates as {
            Entries: { Index: number; Payload: string }[];
            PageKey?: string;
          }[]
        )[0];
        for (const entry of update?.Entries ?? []) {
          const expected = writer.acknowledged.get(entry.Index);
          if (expected !== undefined) expect(entry.Payload).toBe(expected);
          next = entry.Index + 1;
        }
        pageKey = update?.PageKey;
      } while (pageKey !== undefined);
      expect(next - 1).toBe(index);
    }
    // The whole log verifies, extends every checkpoint seen before, and holds every profile.
    const { records, checkpoint } = await transferWholeLog(
      client,
      () => ({ account: auditor, device: auditorUser.device }),
      auditor,
    );
    checkCheckpoint(checkpoint, serviceKey);
    for (const older of seenCheckpoints) {
      const answer = await client.call('Status', { FromTreeSize: older.TreeSize });
      const newer = statusCheckpoint(answer.payload);
      checkConsistency(older, newer, (answer.payload.ConsistencyProof as { Path: string }).Path);
    }
    const published = new Map(
      records
        .filter((record) => record.Type === 'Publish')
        .map((record) => [
          (record.Profile as { SignedData: string }).SignedData,
          record.TransactionID,
        ]),
    );
    for (const [signedData, transactionId] of acknowledgedProfiles) {
      expect(published.get(signedData)).toBe(transactionId);
    }
  }
  await stopService(service, 'SIGTERM');
  return { acknowledged: acknowledgedCount, kills: options.kills };
}
