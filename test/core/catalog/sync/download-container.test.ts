/**
 * Download against a scripted service (no network): paging, and the digest chain that catches a
 * service showing another history of a container than the one this device holds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  DownloadRequest,
  DownloadResponse,
} from '../../../../shared/protocol/messages/download';
import { createEntry } from '../../../../electron/core/catalog/entry-model';
import {
  listCatalogKeys,
  newCatalogKey,
  type CatalogKey,
} from '../../../../electron/core/catalog/application-key';
import { CATALOG_KINDS } from '../../../../electron/core/catalog/catalog-kinds';
import { encodeRecord } from '../../../../electron/core/catalog/catalog-record';
import { CatalogReplica } from '../../../../electron/core/catalog/catalog-replica';
import { sealEntry } from '../../../../electron/core/catalog/entry-sealing';
import type { MeshServiceClient } from '../../../../electron/core/protocol/mesh-service-client';
import { LocalStore } from '../../../../electron/core/store/local-store';
import {
  EMPTY_CONTAINER_DIGEST,
  nextContainerDigest,
} from '../../../../shared/protocol/container-digest';
import { downloadContainer } from '../../../../electron/core/catalog/sync/download-container';
import { memoryKeyStore } from '../../store/memory-key-store';

/** A container at a scripted service: its payloads, served `page` at a time. */
class ScriptedService {
  readonly payloads: string[] = [];
  requests: DownloadRequest[] = [];
  constructor(
    readonly container: string,
    readonly page: number,
  ) {}

  digest(upTo = this.payloads.length): string {
    return this.payloads.slice(0, upTo).reduce(nextContainerDigest, EMPTY_CONTAINER_DIGEST);
  }

  client(): MeshServiceClient {
    const call = async (
      transaction: string,
      message: DownloadRequest,
    ): Promise<DownloadResponse> => {
      expect(transaction).toBe('Download');
      this.requests.push(message);
      const select = message.Select[0]!;
      const from = select.PageKey !== undefined ? Number(select.PageKey) : (select.IndexMin ?? 1);
      const to = Math.min(this.payloads.length, from + this.page - 1);
      const entries = [];
      for (let index = from; index <= to; index++) {
        entries.push({
          Index: index,
          Published: '2025-03-01T00:00:00Z',
          Payload: this.payloads[index - 1]!,
        });
      }
      return {
        Status: 200,
        StatusDescription: 'OK',
        Updates: [
          {
            Container: this.container,
            Index: this.payloads.length,
            Digest: this.digest(),
            Entries: entries,
            ...(to < this.payloads.length ? { PageKey: String(to + 1) } : {}),
          },
        ],
      };
    };
    return { call } as unknown as MeshServiceClient;
  }
}

describe('downloading a container', () => {
  let directory: string;
  let store: LocalStore;
  let key: CatalogKey;
  let replica: CatalogReplica;
  let service: ScriptedService;
  const options = { account: 'alice', timestamp: () => '2025-03-01T12:00:00.000Z' };

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mesh-download-'));
    store = await LocalStore.open({
      path: join(directory, 'store.db'),
      keyStore: memoryKeyStore(),
    });
    key = newCatalogKey('password', 'application-1');
    replica = CatalogReplica.load(store, CATALOG_KINDS.password, [], key);
    service = new ScriptedService(key.container, 3);
  });
  afterEach(async () => {
    store.close();
    await rm(directory, { recursive: true, force: true });
  });

  const add = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const entry = createEntry(
        { Sites: [`s${service.payloads.length}.example`], Username: 'u', Password: 'p' },
        { deviceUdf: 'DEVICE' },
      );
      service.payloads.push(sealEntry(key, encodeRecord({ Entry: entry })));
    }
  };
  const head = () => ({ index: service.payloads.length, digest: service.digest() });

  it('follows page keys to the head and commits each page with its position', async () => {
    add(7);
    const pages: number[] = [];
    const result = await downloadContainer(service.client(), replica, key.container, head(), {
      ...options,
      onPage: (count) => pages.push(count),
    });
    expect(result.downloaded).toBe(7);
    expect(pages).toEqual([3, 6, 7]);
    expect(service.requests.map((r) => r.Select[0])).toEqual([
      { Container: key.container, IndexMin: 1 },
      { Container: key.container, PageKey: '4' },
      { Container: key.container, PageKey: '7' },
    ]);
    expect(replica.position(key.container)).toMatchObject({ index: 7, digest: service.digest() });
    expect(replica.entries()).toHaveLength(7);

    // Incremental: only what is new, from the next index.
    add(1);
    service.requests = [];
    const next = await downloadContainer(service.client(), replica, key.container, head(), options);
    expect(next.downloaded).toBe(1);
    expect(service.requests[0]?.Select[0]).toEqual({ Container: key.container, IndexMin: 8 });
    // Nothing new: no request at all.
    service.requests = [];
    await downloadContainer(service.client(), replica, key.container, head(), options);
    expect(service.requests).toEqual([]);
  });

  it('takes the entries a Status answer carried (Since) without a Download, checked the same', async () => {
    add(2);
    await downloadContainer(service.client(), replica, key.container, head(), options);
    add(2);
    const carried = service.payloads.slice(2).map((payload, i) => ({
      Index: 3 + i,
      Published: '2025-03-01T00:00:00Z',
      Payload: payload,
    }));
    service.requests = [];
    const result = await downloadContainer(
      service.client(),
      replica,
      key.container,
      { ...head(), entries: carried },
      options,
    );
    expect(result.downloaded).toBe(2);
    expect(service.requests).toEqual([]);
    expect(replica.position(key.container)).toMatchObject({ index: 4, digest: service.digest() });

    // Carried entries that do not make the reported digest: refused, the replica dropped.
    add(1);
    const forged = sealEntry(
      key,
      encodeRecord({ Entry: createEntry({ Sites: ['x.example'] }, { deviceUdf: 'SERVICE' }) }),
    );
    await expect(
      downloadContainer(
        service.client(),
        replica,
        key.container,
        { ...head(), entries: [{ Index: 5, Published: '2025-03-01T00:00:00Z', Payload: forged }] },
        options,
      ),
    ).rejects.toMatchObject({ code: 'LOG_INCONSISTENT', details: { reason: 'digest-mismatch' } });
    expect(replica.position(key.container)).toBeUndefined();
  });

  it('downloads instead when the carried entries do not start after what this device holds', async () => {
    add(3);
    service.requests = [];
    const result = await downloadContainer(
      service.client(),
      replica,
      key.container,
      {
        ...head(),
        entries: [{ Index: 3, Published: '2025-03-01T00:00:00Z', Payload: service.payloads[2]! }],
      },
      options,
    );
    expect(result.downloaded).toBe(3);
    expect(service.requests).toHaveLength(1);
  });

  it('refuses another history of what this device holds, and drops the replica it fed', async () => {
    add(4);
    await downloadContainer(service.client(), replica, key.container, head(), options);
    // The service rewrites entry 2 and appends one.
    const rewritten = createEntry({ Sites: ['x.example'] }, { deviceUdf: 'SERVICE' });
    service.payloads[1] = sealEntry(key, encodeRecord({ Entry: rewritten }));
    add(1);
    await expect(
      downloadContainer(service.client(), replica, key.container, head(), options),
    ).rejects.toMatchObject({ code: 'LOG_INCONSISTENT', details: { reason: 'digest-mismatch' } });
    expect(replica.position(key.container)).toBeUndefined();
    expect(store.getEntries(key.container)).toEqual([]);
    expect(listCatalogKeys(store)).toHaveLength(1);
  });

  it('refuses a container that shrank, one whose digest differs at the same index, and gaps', async () => {
    add(3);
    await downloadContainer(service.client(), replica, key.container, head(), options);
    await expect(
      downloadContainer(
        service.client(),
        replica,
        key.container,
        { index: 2, digest: service.digest(2) },
        options,
      ),
    ).rejects.toMatchObject({ code: 'LOG_INCONSISTENT', details: { reason: 'rolled-back' } });
    await expect(
      downloadContainer(
        service.client(),
        replica,
        key.container,
        { index: 3, digest: service.digest(2) },
        options,
      ),
    ).rejects.toMatchObject({ code: 'LOG_INCONSISTENT', details: { reason: 'forked' } });

    const fresh = CatalogReplica.load(store, CATALOG_KINDS.password, [], key);
    const gappy = new ScriptedService(key.container, 10);
    gappy.payloads.push(...service.payloads);
    const client = gappy.client();
    const skipping = {
      call: async (transaction: 'Download', message: DownloadRequest) => {
        const answer = await client.call(transaction, message);
        answer.Updates[0]!.Entries.splice(1, 1);
        return answer;
      },
    } as unknown as MeshServiceClient;
    await expect(
      downloadContainer(
        skipping,
        fresh,
        key.container,
        { index: 3, digest: gappy.digest() },
        options,
      ),
    ).rejects.toMatchObject({ code: 'LOG_INCONSISTENT', details: { reason: 'gap' } });
  });

  it('stops between pages when cancelled, keeping the pages it committed', async () => {
    add(7);
    const controller = new AbortController();
    await expect(
      downloadContainer(service.client(), replica, key.container, head(), {
        ...options,
        signal: controller.signal,
        onPage: (count) => {
          if (count >= 3) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(replica.position(key.container)?.index).toBe(3);
    const resumed = await downloadContainer(
      service.client(),
      replica,
      key.container,
      head(),
      options,
    );
    expect(resumed.downloaded).toBe(4);
  });
});
