/**
 * The storage conformance suite (docs/architecture.md section 11 "Logs and storage"; section 6):
 * written once, run against every StorageBackend (storage.test.ts). It checks the interface's
 * contract, not a backend's internals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageBackend } from '../../../service/storage/backend';
import type { ConnectionRow, PublishedRow, StateWrites } from '../../../service/storage/rows';
import { emptyWrites } from '../../../service/storage/rows';
import { LogWriter } from '../../../service/log/log-writer';
import { recordLeafHash, recordText } from '../../../service/log/records';
import { MeshError } from '../../../shared/errors';

/** Makes a fresh, opened backend; `reopen` opens another backend on the same storage. */
export interface BackendFactory {
  create(): Promise<{
    backend: StorageBackend;
    reopen: () => StorageBackend;
    dispose: () => Promise<void>;
  }>;
}

function logRow(id: number, type = 'Publish', time = 1_700_000_000_000 + id) {
  const record = recordText(id, time, 'Publish', { n: id, type });
  return { id, time, type, record, leafHash: recordLeafHash(record) };
}

function publishedRow(
  txId: number,
  identifier: string,
  extra: Partial<PublishedRow> = {},
): PublishedRow {
  return {
    txId,
    identifier,
    type: 'PersonalProfile',
    account: 'alice',
    published: 1_700_000_000_000 + txId,
    entry: JSON.stringify({ Identifier: identifier, SignedData: `v${txId}` }),
    latest: true,
    keys: [],
    ...extra,
  };
}

function connectionRow(deviceId: string, extra: Partial<ConnectionRow> = {}): ConnectionRow {
  return {
    account: 'alice',
    deviceId,
    txId: 1,
    request: '{}',
    serverNonce: 'N',
    witness: 'W',
    pinId: null,
    pinVerified: false,
    received: 1000,
    expires: 10_000,
    state: 'Pending',
    result: null,
    ...extra,
  };
}

/** Append one batch of writes built by `build(lastId)`. */
async function write(
  backend: StorageBackend,
  build: (last: number, w: StateWrites) => void,
): Promise<number> {
  return backend.writeBatch(async (_reader, last) => {
    const writes = emptyWrites();
    build(last, writes);
    return { writes, result: last };
  });
}

/** Run the conformance suite for one backend. */
export function storageConformance(
  name: string,
  factory: BackendFactory,
  available: boolean,
): void {
  describe.skipIf(!available)(`storage conformance: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function open() {
      const made = await factory.create();
      cleanups.push(made.dispose);
      cleanups.push(() => made.backend.close());
      return made;
    }

    it('starts empty and appends log rows with gap-free ids', async () => {
      const { backend } = await open();
      expect(await backend.logSize()).toBe(0);
      await write(backend, (last, w) => w.log.push(logRow(last + 1), logRow(last + 2)));
      await write(backend, (last, w) => w.log.push(logRow(last + 1)));
      expect(await backend.logSize()).toBe(3);
      const rows = await backend.logRows(0, 3, 10);
      expect(rows.map((row) => row.id)).toEqual([1, 2, 3]);
      expect(rows[0]?.record).toBe(logRow(1).record);
      expect(Buffer.from(rows[0]?.leafHash ?? []).equals(Buffer.from(logRow(1).leafHash))).toBe(
        true,
      );
      expect((await backend.leaves(1, 10)).map((row) => row.id)).toEqual([2, 3]);
      expect((await backend.leaves(0, 2)).map((row) => row.id)).toEqual([1, 2]);
      expect((await backend.logRows(1, 2, 10)).map((row) => row.id)).toEqual([2]);
    });

    it('keeps everything across close and reopen', async () => {
      const made = await open();
      await write(made.backend, (last, w) => {
        w.log.push(logRow(last + 1));
        w.accounts.push({ name: 'alice', profileId: 'P', status: 'Open', created: 5, txId: 1 });
      });
      const secret = await made.backend.serviceSecret('k', () => 'first');
      await made.backend.close();
      const again = made.reopen();
      await again.open();
      cleanups.push(() => again.close());
      expect(await again.logSize()).toBe(1);
      expect(await again.account('alice')).toMatchObject({ profileId: 'P', status: 'Open' });
      expect(await again.serviceSecret('k', () => 'second')).toBe(secret);
      expect(secret).toBe('first');
    });

    it('rolls a failed batch back completely', async () => {
      const { backend } = await open();
      await expect(
        backend.writeBatch(async (_reader, last) => {
          const writes = emptyWrites();
          writes.log.push(logRow(last + 1));
          writes.log.push(logRow(last + 1)); // duplicate id: the database refuses the batch
          return { writes, result: null };
        }),
      ).rejects.toThrow();
      await expect(
        backend.writeBatch(async () => {
          throw new MeshError('CONFLICT', 'refused inside');
        }),
      ).rejects.toThrow('refused inside');
      expect(await backend.logSize()).toBe(0);
      await write(backend, (last, w) => w.log.push(logRow(last + 1)));
      expect(await backend.logSize()).toBe(1);
    });

    it('serializes concurrent batches: ids stay gap-free', async () => {
      const { backend } = await open();
      await Promise.all(
        Array.from({ length: 20 }, () =>
          write(backend, (last, w) => w.log.push(logRow(last + 1), logRow(last + 2))),
        ),
      );
      expect((await backend.logRows(0, 100, 100)).map((row) => row.id)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    });

    it('accounts: upsert and read', async () => {
      const { backend } = await open();
      expect(await backend.account('alice')).toBeUndefined();
      await write(backend, (_last, w) =>
        w.accounts.push(
          { name: 'alice', profileId: 'P1', status: 'Open', created: 5, txId: 1 },
          { name: 'alice', profileId: 'P1', status: 'Closed', created: 5, txId: 2 },
        ),
      );
      expect(await backend.account('alice')).toEqual({
        name: 'alice',
        profileId: 'P1',
        status: 'Closed',
        created: 5,
        txId: 2,
      });
    });

    it('published: the newest version is latest; search by every criterion, paged', async () => {
      const { backend } = await open();
      await write(backend, (_last, w) => {
        w.published.push(
          publishedRow(1, 'AAAA-BBBB-CCCC', {
            keys: [
              ['Device', 'DEV-1'],
              ['Name', 'home'],
            ],
          }),
        );
        w.published.push(
          publishedRow(2, 'AAAA-BBBB-DDDD', { account: 'bob', keys: [['Device', 'DEV-2']] }),
        );
        w.published.push(
          publishedRow(3, 'NONC-EEEE', { type: 'EscrowEntry', account: 'alice', entry: '{"e":1}' }),
        );
      });
      await write(backend, (_last, w) => {
        w.published.push(publishedRow(4, 'AAAA-BBBB-CCCC', { keys: [['Device', 'DEV-3']] }));
        w.published.push(publishedRow(5, 'AAAA-BBBB-CCCC', { keys: [['Device', 'DEV-3']] }));
      });
      const latest = await backend.latestPublished('AAAA-BBBB-CCCC');
      expect(latest).toMatchObject({
        txId: 5,
        latest: true,
        account: 'alice',
        type: 'PersonalProfile',
      });
      expect(await backend.latestPublished('ZZZZ')).toBeUndefined();
      const base = { latestOnly: false, afterTxId: 0, limit: 100 } as const;
      const ids = async (query: Partial<Parameters<StorageBackend['searchPublished']>[0]>) =>
        (await backend.searchPublished({ ...base, ...query })).map((row) => row.txId);
      expect(await ids({ identifier: { exact: 'AAAA-BBBB-CCCC' } })).toEqual([1, 4, 5]);
      expect(await ids({ identifier: { exact: 'AAAA-BBBB-CCCC' }, latestOnly: true })).toEqual([5]);
      expect(await ids({ identifier: { prefix: 'AAAA-BBBB-' } })).toEqual([1, 2, 4, 5]);
      expect(await ids({ identifier: { prefix: 'AAAA-BBBB-' }, latestOnly: true })).toEqual([2, 5]);
      expect(await ids({ type: 'EscrowEntry' })).toEqual([3]);
      expect(await ids({ account: { name: 'alice', profileId: 'AAAA-BBBB-CCCC' } })).toEqual([
        1, 3, 4, 5,
      ]);
      expect(await ids({ device: 'DEV-3' })).toEqual([4, 5]);
      expect(await ids({ device: 'DEV-1', latestOnly: true })).toEqual([]);
      expect(await ids({ name: 'home' })).toEqual([1]);
      expect(await ids({ notBefore: 1_700_000_000_002, before: 1_700_000_000_005 })).toEqual([
        2, 3, 4,
      ]);
      expect(await ids({ afterTxId: 2, limit: 2 })).toEqual([3, 4]);
      const [row] = await backend.searchPublished({ ...base, type: 'EscrowEntry' });
      expect(row?.entry).toBe('{"e":1}');
    });

    it('containers: heads and entries by index and time, limited', async () => {
      const { backend } = await open();
      await write(backend, (_last, w) => {
        for (let index = 1; index <= 5; index++) {
          w.containerEntries.push({
            account: 'alice',
            container: 'catalog',
            index,
            txId: index,
            published: 100 * index,
            sender: 'alice',
            payload: `p${index}`,
          });
        }
        w.containerHeads.push({ account: 'alice', container: 'catalog', index: 3, digest: 'd3' });
        w.containerHeads.push({ account: 'alice', container: 'catalog', index: 5, digest: 'd5' });
        w.containerHeads.push({
          account: 'alice',
          container: 'mmm_Inbound',
          index: 0,
          digest: 'd0',
        });
        w.containerHeads.push({ account: 'bob', container: 'catalog', index: 1, digest: 'b1' });
      });
      expect(await backend.containerHead('alice', 'catalog')).toEqual({
        account: 'alice',
        container: 'catalog',
        index: 5,
        digest: 'd5',
      });
      expect(await backend.containerHead('alice', 'none')).toBeUndefined();
      expect((await backend.containerHeads('alice')).map((head) => head.container)).toEqual([
        'catalog',
        'mmm_Inbound',
      ]);
      expect(
        (await backend.containerHeads('alice', ['mmm_Inbound'])).map((head) => head.container),
      ).toEqual(['mmm_Inbound']);
      const entries = async (query: Partial<Parameters<StorageBackend['containerEntries']>[0]>) =>
        (
          await backend.containerEntries({
            account: 'alice',
            container: 'catalog',
            indexMin: 1,
            limit: 100,
            ...query,
          })
        ).map((row) => row.index);
      expect(await entries({})).toEqual([1, 2, 3, 4, 5]);
      expect(await entries({ indexMin: 2, indexMax: 4 })).toEqual([2, 3, 4]);
      expect(await entries({ notBefore: 200, before: 500 })).toEqual([2, 3, 4]);
      expect(await entries({ limit: 2 })).toEqual([1, 2]);
      const [first] = await backend.containerEntries({
        account: 'alice',
        container: 'catalog',
        indexMin: 1,
        limit: 1,
      });
      expect(first).toEqual({
        account: 'alice',
        container: 'catalog',
        index: 1,
        txId: 1,
        published: 100,
        sender: 'alice',
        payload: 'p1',
      });
    });

    it('connections: upsert, pending count and pages exclude answered and expired', async () => {
      const { backend } = await open();
      await write(backend, (_last, w) => {
        w.connections.push(connectionRow('D1', { received: 100 }));
        w.connections.push(connectionRow('D2', { received: 100 }));
        w.connections.push(connectionRow('D3', { received: 50, expires: 500 }));
        w.connections.push(
          connectionRow('D4', { received: 200, state: 'Accepted', result: '{"r":1}' }),
        );
        w.connections.push(connectionRow('D5', { received: 300, pinId: 'PIN', pinVerified: true }));
        w.connections.push(connectionRow('D1', { received: 100, witness: 'W2' }));
      });
      expect(await backend.connection('alice', 'D1')).toMatchObject({
        witness: 'W2',
        state: 'Pending',
      });
      expect(await backend.connection('alice', 'D4')).toMatchObject({
        state: 'Accepted',
        result: '{"r":1}',
      });
      expect(await backend.connection('alice', 'D5')).toMatchObject({
        pinId: 'PIN',
        pinVerified: true,
      });
      expect(await backend.pendingCount('alice', 1000)).toBe(3);
      expect(await backend.pendingCount('alice', 400)).toBe(4);
      const page = async (after?: { received: number; deviceId: string }, limit = 10) =>
        (await backend.pendingConnections('alice', 1000, after, limit)).map((row) => row.deviceId);
      expect(await page()).toEqual(['D1', 'D2', 'D5']);
      expect(await page(undefined, 2)).toEqual(['D1', 'D2']);
      expect(await page({ received: 100, deviceId: 'D1' })).toEqual(['D2', 'D5']);
      expect(await page({ received: 100, deviceId: 'D2' })).toEqual(['D5']);
    });

    it('pins: upsert and read', async () => {
      const { backend } = await open();
      await write(backend, (_last, w) => {
        w.pins.push({
          account: 'alice',
          pinId: 'P',
          key: 'K',
          expires: 9,
          used: false,
          failures: 0,
        });
        w.pins.push({
          account: 'alice',
          pinId: 'P',
          key: 'K',
          expires: 9,
          used: true,
          failures: 2,
        });
      });
      expect(await backend.pin('alice', 'P')).toEqual({
        account: 'alice',
        pinId: 'P',
        key: 'K',
        expires: 9,
        used: true,
        failures: 2,
      });
      expect(await backend.pin('bob', 'P')).toBeUndefined();
    });

    it('nonces: claimed once until they expire; nonces written with a batch count as claimed', async () => {
      const made = await open();
      const { backend } = made;
      const now = Date.now();
      expect(await backend.claimNonce('D', 'n1', now + 60_000)).toBe(true);
      expect(await backend.claimNonce('D', 'n1', now + 60_000)).toBe(false);
      expect(await backend.claimNonce('E', 'n1', now + 60_000)).toBe(true);
      expect(await backend.claimNonce('D', 'old', now - 1)).toBe(true);
      expect(await backend.claimNonce('D', 'old', now + 60_000)).toBe(true);
      await write(backend, (_last, w) =>
        w.nonces.push({ device: 'D', nonce: 'stored', expires: now + 60_000 }),
      );
      await backend.close();
      const again = made.reopen();
      await again.open();
      cleanups.push(() => again.close());
      expect(await again.claimNonce('D', 'stored', now + 60_000)).toBe(false);
    });

    it('announces answered connection requests after the commit', async () => {
      const { backend } = await open();
      const heard: string[] = [];
      const stop = backend.onConnectionAnswered((account, device) =>
        heard.push(`${account}/${device}`),
      );
      const committed = write(backend, (_last, w) =>
        w.answered.push({ account: 'alice', deviceId: 'D1' }),
      );
      expect(heard).toEqual([]);
      await committed;
      await expect.poll(() => heard.length).toBeGreaterThanOrEqual(1);
      expect(heard[0]).toBe('alice/D1');
      stop();
    });

    it('announces new connection requests (pending rows) after the commit', async () => {
      const { backend } = await open();
      const heard: string[] = [];
      const stop = backend.onConnectionRequested((account, device) =>
        heard.push(`${account}/${device}`),
      );
      const committed = write(backend, (_last, w) => {
        w.connections.push(connectionRow('D2'));
        w.connections.push(connectionRow('D3', { state: 'Accepted' }));
      });
      expect(heard).toEqual([]);
      await committed;
      await expect.poll(() => heard.length).toBeGreaterThanOrEqual(1);
      expect(heard).toContain('alice/D2');
      expect(heard).not.toContain('alice/D3');
      stop();
    });

    describe('group commit (LogWriter over this backend)', () => {
      it('commits concurrent transactions in few batches, each answered with its own id', async () => {
        const { backend } = await open();
        const batches: number[] = [];
        const writer = new LogWriter(backend, { onCommit: (rows) => batches.push(rows.length) });
        const ids = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            writer.submit(async (scope) => scope.append('Publish', { i })),
          ),
        );
        expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(batches.reduce((a, b) => a + b, 0)).toBe(50);
        expect(batches.length).toBeLessThan(50);
        await writer.flushed();
      });

      it('leaves a failing transaction out of its batch and takes no id for it', async () => {
        const { backend } = await open();
        const writer = new LogWriter(backend);
        const results = await Promise.allSettled([
          writer.submit(async (scope) => scope.append('Publish', { n: 1 })),
          writer.submit(async (scope) => {
            scope.append('Publish', { n: 'doomed' });
            scope.putAccount({
              name: 'ghost',
              profileId: 'G',
              status: 'Open',
              created: 1,
              txId: 2,
            });
            throw new MeshError('CONFLICT', 'precondition failed');
          }),
          writer.submit(async (scope) => scope.append('Publish', { n: 3 })),
        ]);
        expect(results.map((result) => result.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
        ]);
        expect(
          results
            .filter((r) => r.status === 'fulfilled')
            .map((r) => (r as PromiseFulfilledResult<number>).value),
        ).toEqual([1, 2]);
        expect(await backend.account('ghost')).toBeUndefined();
        const records = (await backend.logRows(0, 10, 10)).map(
          (row) => JSON.parse(row.record) as { n: unknown },
        );
        expect(records.map((record) => record.n)).toEqual([1, 3]);
      });

      it('builds the next batch on one still committing: it sees its writes, answered after it', async () => {
        const { backend } = await open();
        const writer = new LogWriter(backend);
        const answered: string[] = [];
        let second: Promise<{ id: number; seen: string | undefined }> | undefined;
        const first = writer.submit(async (scope) => {
          // Queued while this batch is being built: it goes into the next one, which a pipelined
          // backend (stageBatch) builds before this one's COMMIT has returned.
          second ??= writer.submit(async (next) => ({
            seen: (await next.account('dave'))?.profileId,
            id: next.append('Publish', { n: 2 }),
          }));
          const txId = scope.append('CreateAccount', {});
          scope.putAccount({ name: 'dave', profileId: 'D', status: 'Open', created: 1, txId });
          return txId;
        });
        void first.then(() => answered.push('first'));
        const firstId = await first;
        const later = await (second as NonNullable<typeof second>);
        answered.push('second');
        expect(firstId).toBe(1);
        expect(later).toEqual({ seen: 'D', id: 2 });
        expect(answered).toEqual(['first', 'second']);
        expect((await backend.logRows(0, 10, 10)).map((row) => row.id)).toEqual([1, 2]);
        await writer.flushed();
      });

      it('lets nothing of a batch that failed to commit reach a later batch', async () => {
        const { backend } = await open();
        const writer = new LogWriter(backend);
        let second: Promise<string | undefined> | undefined;
        const first = writer.submit(async (scope) => {
          second ??= writer.submit(async (next) => {
            next.append('Publish', { n: 'second' });
            return (await next.account('erin'))?.profileId;
          });
          const txId = scope.append('CreateAccount', {});
          scope.putAccount({ name: 'erin', profileId: 'E', status: 'Open', created: 1, txId });
          // Two rows under one TransactionID: the database refuses the batch at COMMIT.
          scope.putPublished(publishedRow(txId, 'MA'));
          scope.putPublished(publishedRow(txId, 'MB'));
          return txId;
        });
        await expect(first).rejects.toThrow();
        const outcome = await Promise.allSettled([second as NonNullable<typeof second>]);
        if (backend.stageBatch !== undefined) {
          // Built on the failed batch while it was committing: refused with it.
          expect(outcome[0]?.status).toBe('rejected');
        } else {
          // Built after it failed: it did not see the failed batch's account.
          expect(outcome[0]).toEqual({ status: 'fulfilled', value: undefined });
        }
        expect(await backend.account('erin')).toBeUndefined();
        const third = await writer.submit(async (scope) => scope.append('Publish', { n: 3 }));
        const ids = (await backend.logRows(0, 10, 10)).map((row) => row.id);
        // No gap and no record of the failed batch: the log goes on from what was committed.
        expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
        expect(ids.at(-1)).toBe(third);
        await writer.flushed();
      });

      it('lets a later transaction of the same batch see an earlier one', async () => {
        const { backend } = await open();
        const writer = new LogWriter(backend);
        const [, seen] = await Promise.all([
          writer.submit(async (scope) => {
            const txId = scope.append('CreateAccount', {});
            scope.putAccount({ name: 'carol', profileId: 'C', status: 'Open', created: 1, txId });
            scope.putContainerHead({ account: 'carol', container: 'x', index: 4, digest: 'd' });
          }),
          writer.submit(async (scope) => ({
            account: await scope.account('carol'),
            head: await scope.containerHead('carol', 'x'),
          })),
        ]);
        expect(seen.account?.profileId).toBe('C');
        expect(seen.head?.index).toBe(4);
      });
    });
  });
}
