/**
 * Sync the account's catalogs (docs/architecture.md section 7 "Sync";
 * draft-hallambaker-mesh-protocol-00 section 4.4, 10.6-10.8; docs/architecture.md section 7
 * `mesh account sync`):
 *   1. Status: the service's log checkpoint, verified consistent with the last one this device
 *      saw (CheckpointVerifier), and the index and digest of each of the account's containers;
 *   2. the personal profile is fetched and proven again only when something calls for it: an
 *      application container this device does not know (a key was rotated, an application was
 *      added), a catalog whose key this device does not hold yet, or when asked;
 *   3. on an administrator device: missing application profiles are created, keys are wrapped
 *      for devices that lack them, and (at the end) keys still readable by a removed device are
 *      rotated;
 *   4. Download after the last index of each current container (download-container.ts), then
 *      records left in a previous container are carried over;
 *   5. Upload of the queued local edits, with Conflict resolved per entry (upload-container.ts).
 * Progress goes out as the device's `progress` events (operation `sync`), conflicts and the sync
 * state as catalog events; `signal` cancels between requests.
 */
import { z } from 'zod';
import { isMeshError, MeshError } from '../../../../shared/errors';
import { applicationNeeds, shareApplications } from '../application-profiles';
import { CATALOG_KINDS, typeOfContainer, type CatalogType } from '../catalog-kinds';
import type { CatalogConflict, CatalogReplica } from '../catalog-replica';
import { catalogsOf } from '../catalog-set';
import { parseAccountAddress } from '../../protocol/account-address';
import { CheckpointVerifier } from '../../protocol/checkpoint-verifier';
import type { MeshServiceClient } from '../../protocol/mesh-service-client';
import { verifiedStatus } from '../../protocol/verified-log';
import type { DeviceContext } from '../../session/device-context';
import { refreshPersonalProfile } from '../../profile/update-personal-profile';
import { checkNotCancelled } from './cancellation';
import { EMPTY_CONTAINER_DIGEST } from '../../../../shared/protocol/container-digest';
import { downloadContainer, positionOf, type ContainerHead } from './download-container';
import { rotateApplicationKeys } from './rotate-application-keys';
import { uploadPending } from './upload-container';
import { forgetUploadLimits, uploadLimits } from './upload-limits';

/** How to sync. */
export interface SyncOptions {
  readonly signal?: AbortSignal | undefined;
  /** Fetch and prove the personal profile even when nothing calls for it. */
  readonly refreshProfile?: boolean | undefined;
  /** Entries per Download request (default: the service's page limit). */
  readonly pageSize?: number | undefined;
}

/** Where one catalog stands after a sync. */
export interface CatalogSyncState {
  readonly type: CatalogType;
  /** Its current container, when this device holds its key. */
  readonly container?: string;
  /** The last index this device holds of it. */
  readonly index: number;
  /** Entries (not deleted) in the catalog. */
  readonly entries: number;
  /** Entries with local edits still to upload. */
  readonly pending: number;
  /** Records written by a later version of Mesh, which this one skips. */
  readonly unreadable: number;
  /** Entries the service refused as too large, kept here and not uploaded (upload-container.ts). */
  readonly failed: readonly string[];
}

/** What a sync did. */
export interface SyncReport {
  readonly downloaded: number;
  readonly uploaded: number;
  /** Entries the service refused as too large, set aside and kept here (upload-container.ts). */
  readonly failed: readonly { readonly type: CatalogType; readonly identifier: string }[];
  readonly conflicts: readonly CatalogConflict[];
  /** Records carried over from a container the account left after a key rotation. */
  readonly carriedOver: number;
  readonly profileRefreshed: boolean;
  /** Application profiles this (administrator) device created, shared and rotated. */
  readonly created: readonly CatalogType[];
  readonly shared: readonly CatalogType[];
  readonly rotated: readonly CatalogType[];
  readonly catalogs: readonly CatalogSyncState[];
  /** Entries in the service log checkpoint this sync verified. */
  readonly checkpointSize: number;
}

const OPERATION = 'sync';
/** The catalog containers seen at the last profile refresh (a setting). */
const SEEN_SETTING = 'catalog-containers';
const seenSchema = z.array(z.string());

/**
 * Sync every catalog of this home's account (module comment). Syncs of one home run one after
 * the other, also across processes (in this process the home's `sync` lane, across them the
 * home's sync lock): one asked for while another runs starts when it ends (and
 * sees its results).
 */
export function syncCatalogs(
  context: DeviceContext,
  options: SyncOptions = {},
): Promise<SyncReport> {
  // Across processes with this home open, under the home's sync lock, after reading again what
  // the one before committed: two never upload the same queued edits (docs/local-store.md).
  return context.homeState.inTurn('sync', () =>
    context.exclusive(
      async () => {
        await context.catchUp();
        return syncOnce(context, options);
      },
      'sync',
      options.signal,
    ),
  );
}

async function syncOnce(context: DeviceContext, options: SyncOptions): Promise<SyncReport> {
  const catalogs = catalogsOf(context);
  const pendingNow = async (): Promise<number> =>
    (await catalogs.all()).reduce((sum, replica) => sum + replica.pendingCount, 0);
  catalogs.events.emit('sync-state', { state: 'syncing', pending: await pendingNow() });
  try {
    const report = await runSync(context, options);
    catalogs.events.emit('sync-state', { state: 'synced', pending: await pendingNow() });
    return report;
  } catch (error) {
    const code = isMeshError(error) ? error.code : 'INTERNAL';
    const offline = code === 'NETWORK' || code === 'TIMEOUT' || code === 'OVERLOADED';
    catalogs.events.emit('sync-state', {
      state: offline ? 'offline' : 'failed',
      code,
      pending: await pendingNow().catch(() => 0),
    });
    throw error;
  }
}

async function runSync(context: DeviceContext, options: SyncOptions): Promise<SyncReport> {
  const { signal } = options;
  const binding = context.requireAccount();
  const catalogs = catalogsOf(context);
  const address = parseAccountAddress(binding.address);
  const progress = (step: string, done?: number, total?: number): void =>
    context.events.emit('progress', {
      operation: OPERATION,
      step,
      ...(done !== undefined && total !== undefined && { done, total }),
    });

  checkNotCancelled(signal);
  progress('Checking the service');
  let replicas = await catalogs.all();
  const client = await context.accountClient();
  const verifier = new CheckpointVerifier(context.store, address.service);
  // Since: the index held of each current container that holds entries, so that a few new
  // entries come with the Status answer instead of in a Download (docs/protocol.md "Status"). An
  // empty container is left out (about 45 bytes each, on every sync): its first entries, once,
  // come by Download.
  const since = replicas.flatMap((replica) => {
    const container = replica.currentKey?.container;
    if (container === undefined) return [];
    const index = positionOf(replica, container).index;
    return index === 0 ? [] : [{ Container: container, Index: index }];
  });
  const { status, checkpoint } = await statusAsDevice(
    client,
    verifier,
    binding.account,
    since,
    signal,
  );
  const heads = new Map<string, ContainerHead>(
    (status.ContainerStatus ?? []).map((item) => [
      item.Container,
      {
        index: item.Index,
        digest: item.Digest,
        ...(item.Entries === undefined ? {} : { entries: item.Entries }),
      },
    ]),
  );

  // 2. The personal profile, when something calls for it.
  const catalogContainers = [...heads.keys()].filter((name) => typeOfContainer(name));
  const seen = context.store.getSetting(SEEN_SETTING, seenSchema) ?? [];
  const current = new Set(replicas.map((replica) => replica.currentKey?.container));
  const unknown = catalogContainers.some((name) => !current.has(name) && !seen.includes(name));
  let profile = await context.personalProfile();
  let profileRefreshed = false;
  if (options.refreshProfile || unknown || replicas.some((r) => r.currentKey === undefined)) {
    progress('Checking the personal profile');
    profile = await refreshPersonalProfile(context, { signal });
    await catalogs.applyProfile(profile);
    context.store.setSetting(SEEN_SETTING, catalogContainers);
    profileRefreshed = true;
  }

  // 3. Administration: create and share now, rotate once the catalogs are up to date.
  let created: CatalogType[] = [];
  let shared: CatalogType[] = [];
  let rotate: CatalogType[] = [];
  if (binding.role === 'administrator') {
    const needs = Object.entries(applicationNeeds(profile));
    rotate = needs.filter(([, need]) => need === 'rotate').map(([type]) => type as CatalogType);
    if (needs.some(([, need]) => need === 'missing' || need === 'share')) {
      progress('Sharing the application keys');
      const result = await shareApplications(context, { signal });
      ({ created, shared } = result);
      rotate = result.rotate;
    }
  }
  replicas = await catalogs.all();

  // 4. Downloads.
  checkNotCancelled(signal);
  const readable = replicas.filter((replica) => replica.currentKey !== undefined);
  const headOf = (replica: CatalogReplica): ContainerHead =>
    heads.get(replica.currentKey!.container) ?? { index: 0, digest: EMPTY_CONTAINER_DIGEST };
  const toDownload = readable.reduce(
    (sum, replica) =>
      sum +
      Math.max(0, headOf(replica).index - positionOf(replica, replica.currentKey!.container).index),
    0,
  );
  let downloaded = 0;
  let carriedOver = 0;
  const conflicts: CatalogConflict[] = [];
  const download = async (
    replica: CatalogReplica,
    head: ContainerHead | undefined,
  ): Promise<void> => {
    const before = downloaded;
    const step = `Downloading ${CATALOG_KINDS[replica.type].friendly.toLowerCase()}`;
    const result = await downloadContainer(client, replica, replica.currentKey!.container, head, {
      account: binding.account,
      signal,
      ...(options.pageSize === undefined ? {} : { maxEntries: options.pageSize }),
      timestamp: () => context.timestamp(),
      onPage: (count) => progress(step, before + count, Math.max(toDownload, before + count)),
    });
    downloaded += result.downloaded;
    conflicts.push(...result.conflicts);
    for (const conflict of result.conflicts) catalogs.events.emit('sync-conflict', conflict);
  };
  for (const replica of readable) {
    await download(replica, headOf(replica));
    if (replica.previousContainers.length > 0) carriedOver += replica.migrate();
  }

  // 5. Uploads.
  checkNotCancelled(signal);
  let uploaded = 0;
  const withEdits = readable.filter((replica) => replica.pendingCount > 0);
  // Asked at every home's first sync, so that entries too large are refused when they are made.
  const limits = await uploadLimits(context, client, signal);
  if (withEdits.length > 0) {
    const toUpload = withEdits.reduce((sum, replica) => sum + replica.pendingCount, 0);
    for (const replica of withEdits) {
      const before = uploaded;
      const step = `Uploading ${CATALOG_KINDS[replica.type].friendly.toLowerCase()}`;
      const result = await uploadPending(client, replica, {
        account: binding.account,
        signal,
        ...limits,
        timestamp: () => context.timestamp(),
        catchUp: async () => {
          const start = conflicts.length;
          // After a Conflict: download whatever the service holds now.
          await download(replica, undefined);
          return conflicts.slice(start);
        },
        onBatch: (count) => progress(step, before + count, Math.max(toUpload, before + count)),
        onTooLarge: () => forgetUploadLimits(context),
      });
      uploaded += result.uploaded;
    }
  }

  // 3, continued: rotation, now that this device holds every record.
  let rotated: CatalogType[] = [];
  if (rotate.length > 0) {
    rotated = await rotateApplicationKeys(context, client, rotate, {
      signal,
      onProgress: (type) =>
        progress(`Re-encrypting ${CATALOG_KINDS[type].friendly.toLowerCase()} under a new key`),
    });
  }

  progress('Done');
  const all = await catalogs.all();
  const failed = all.flatMap((replica) =>
    replica.failed.map((identifier) => ({ type: replica.type, identifier })),
  );
  return {
    downloaded,
    uploaded,
    failed,
    conflicts,
    carriedOver,
    profileRefreshed,
    created,
    shared,
    rotated,
    catalogs: all.map((replica) => stateOf(replica)),
    checkpointSize: checkpoint.TreeSize,
  };
}

/** Status as this device, with a clear error when the service no longer accepts it. */
async function statusAsDevice(
  client: MeshServiceClient,
  verifier: CheckpointVerifier,
  account: string,
  since: { Container: string; Index: number }[],
  signal: AbortSignal | undefined,
): ReturnType<typeof verifiedStatus> {
  try {
    return await verifiedStatus(
      client,
      verifier,
      { Account: account, ...(since.length > 0 && { Since: since.slice(0, 64) }) },
      { signal },
    );
  } catch (error) {
    if (!isMeshError(error, 'UNAUTHORIZED')) throw error;
    throw new MeshError(
      'UNAUTHORIZED',
      'the service no longer accepts this device for the account: was it removed from the account?',
      { reason: 'device-refused' },
      { cause: error },
    );
  }
}

/** Where a catalog stands. */
export function stateOf(replica: CatalogReplica): CatalogSyncState {
  const container = replica.currentKey?.container;
  return {
    type: replica.type,
    ...(container === undefined ? {} : { container }),
    index: container === undefined ? 0 : positionOf(replica, container).index,
    entries: replica.entries().length,
    pending: replica.pendingCount,
    unreadable: replica.unreadable,
    failed: replica.failed,
  };
}
