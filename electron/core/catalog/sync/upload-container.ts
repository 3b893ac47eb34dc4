/**
 * Upload (draft-hallambaker-mesh-protocol-00 section 10.8; docs/architecture.md section 7 "Sync"):
 * the queued local edits of one catalog, sealed, appended to its container at the index this device
 * expects. When another device got there first the service answers Conflict and writes nothing:
 * download what it added, merge per entry (the queued records are merged with what arrived - the
 * newer version wins, the other stays in History - and conflicts are reported), and upload the
 * merged records again. When the service refuses a request as too large (413: its limit was lowered
 * since this device learned it), the rest goes one entry per request, and an entry refused alone is
 * set aside (kept locally, reported as failed) so that it never blocks the entries behind it.
 */
import { isMeshError, MeshError } from '../../../../shared/errors';
import { STATUS } from '../../../../shared/protocol/status-codes';
import type { CatalogConflict, CatalogReplica, UploadBatch } from '../catalog-replica';
import type { MeshServiceClient } from '../../protocol/mesh-service-client';
import { serviceFailure } from '../../protocol/service-errors';
import type { SyncPosition } from '../../store/records';
import { nextContainerDigest } from '../../../../shared/protocol/container-digest';
import { positionOf } from './download-container';
import { checkNotCancelled } from './cancellation';

/** How many Conflict answers in a row an upload takes before it gives up. */
export const MAX_UPLOAD_CONFLICTS = 8;

/** How one upload goes. */
export interface UploadOptions {
  readonly account: string;
  readonly signal?: AbortSignal | undefined;
  /** Most payload characters in one Upload request (from the service's MaxRequestBytes). */
  readonly maxPayloadBytes: number;
  /** Most entries in one Upload request. */
  readonly maxEntries: number;
  readonly timestamp: () => string;
  /** Download the container after a Conflict (its conflicts are reported through this). */
  readonly catchUp: (container: string) => Promise<CatalogConflict[]>;
  /** Called after each accepted request with the entries uploaded so far. */
  readonly onBatch?: (uploaded: number) => void;
  /** Called when the service refuses a request as too large (to learn its limit again). */
  readonly onTooLarge?: () => void;
}

/** What one upload did. */
export interface UploadResult {
  readonly uploaded: number;
  readonly conflicts: CatalogConflict[];
  /** Conflict answers the service gave (each followed by a download and a retry). */
  readonly retries: number;
  /** Entries the service refused as too large, set aside (module comment). */
  readonly failed: string[];
}

/** Upload every queued edit of `replica` (module comment). */
export async function uploadPending(
  client: MeshServiceClient,
  replica: CatalogReplica,
  options: UploadOptions,
): Promise<UploadResult> {
  let uploaded = 0;
  let retries = 0;
  let refusals = 0;
  const conflicts: CatalogConflict[] = [];
  const failed: string[] = [];
  let maxEntries = options.maxEntries;
  for (;;) {
    checkNotCancelled(options.signal);
    const batch = replica.nextUpload(options.maxPayloadBytes, maxEntries);
    if (batch === undefined) return { uploaded, conflicts, retries, failed };
    const accepted = await appendBatch(
      client,
      batch,
      positionOf(replica, batch.container),
      options,
    );
    if (accepted === 'conflict') {
      retries++;
      if (++refusals > MAX_UPLOAD_CONFLICTS) {
        throw new MeshError(
          'CONFLICT',
          `${batch.container} kept changing while this device uploaded to it; sync again`,
          { container: batch.container },
        );
      }
      conflicts.push(...(await options.catchUp(batch.container)));
      continue;
    }
    if (accepted === 'too-large') {
      options.onTooLarge?.();
      if (batch.items.length === 1) {
        replica.setAside(batch.items[0]!);
        failed.push(batch.items[0]!.identifier);
      }
      maxEntries = 1;
      continue;
    }
    refusals = 0;
    replica.uploaded(batch, accepted.indexes, accepted.position);
    uploaded += batch.items.length;
    options.onBatch?.(uploaded);
  }
}

/**
 * Append `payloads` to `container` at `position` (one Upload request). Returns the indexes the
 * service gave and the new position, or 'conflict' when the container moved on.
 */
export async function appendBatch(
  client: MeshServiceClient,
  batch: Pick<UploadBatch, 'container'> & { items: ReadonlyArray<{ payload: string }> },
  position: SyncPosition,
  options: Pick<UploadOptions, 'account' | 'signal' | 'timestamp'>,
): Promise<{ indexes: number[]; position: SyncPosition } | 'conflict' | 'too-large'> {
  let answer;
  try {
    answer = await client.exchange(
      'Upload',
      {
        Account: options.account,
        Updates: [
          {
            Container: batch.container,
            ExpectedIndex: position.index,
            Entries: batch.items.map((item) => ({ Payload: item.payload })),
          },
        ],
      },
      { signal: options.signal },
    );
  } catch (error) {
    if (isMeshError(error, 'TOO_LARGE')) return 'too-large';
    throw error;
  }
  if (!answer.ok) {
    if (answer.status === STATUS.Conflict) return 'conflict';
    if (answer.status === STATUS.TooLarge) return 'too-large';
    throw serviceFailure('Upload', answer.status, answer.description);
  }
  const indexes = batch.items.map((_, i) => {
    const entry = answer.message.Entries.find(
      (item) => item.Container === batch.container && item.IndexRequest === i,
    );
    return entry?.Result === 'Accept' ? entry.IndexContainer : undefined;
  });
  let digest = position.digest;
  let index = position.index;
  for (const [i, assigned] of indexes.entries()) {
    if (assigned !== index + 1 || digest === undefined) {
      throw new MeshError(
        'SERVICE_ERROR',
        `the Upload answer does not append the entries to ${batch.container} in order`,
        { reason: 'malformed-response', container: batch.container },
      );
    }
    index = assigned;
    digest = nextContainerDigest(digest, batch.items[i]!.payload);
  }
  const status = answer.message.ContainerStatus.find((item) => item.Container === batch.container);
  if (status !== undefined && (status.Index !== index || status.Digest !== digest)) {
    throw new MeshError(
      'LOG_INCONSISTENT',
      `${batch.container}: after the upload the service reports another container than this device holds`,
      { reason: 'digest-mismatch', container: batch.container },
    );
  }
  return {
    indexes: indexes as number[],
    position: { container: batch.container, index, digest: digest!, updated: options.timestamp() },
  };
}
