/**
 * Download (draft-hallambaker-mesh-protocol-00 section 10.7; docs/architecture.md section 7
 * "Sync"): the entries of one container after the last index this device holds, page by page
 * (PageKey), each page committed with the sync position that covers it so an interrupted first sync
 * resumes where it stopped. The device chains the container digest over every entry
 * (shared/protocol/container-digest.ts) and checks it against what the service reported: the verified Status
 * answer's digest at its index, and the Download answer's at the container's head. A service that
 * shows another history is LOG_INCONSISTENT; the replica it fed is then dropped, never kept.
 */
import { MeshError } from '../../../../shared/errors';
import type { ContainerEntry } from '../../../../shared/protocol/common';
import type { ContainerUpdate } from '../../../../shared/protocol/messages/download';
import type { CatalogConflict, CatalogReplica, SealedEntry } from '../catalog-replica';
import type { MeshServiceClient } from '../../protocol/mesh-service-client';
import type { SyncPosition } from '../../store/records';
import {
  EMPTY_CONTAINER_DIGEST,
  nextContainerDigest,
} from '../../../../shared/protocol/container-digest';
import { checkNotCancelled } from './cancellation';

/** A container's index and digest as a verified Status answer gave them. */
export interface ContainerHead {
  readonly index: number;
  readonly digest: string;
  /**
   * The entries after the index this device asked about (StatusRequest.Since), when the Status
   * answer carried them: taken as the first page, checked exactly as a Download's.
   */
  readonly entries?: readonly ContainerEntry[];
}

/** How one download goes. */
export interface DownloadOptions {
  readonly account: string;
  readonly signal?: AbortSignal | undefined;
  /** Entries per Download request (the service caps it at its page limit). */
  readonly maxEntries?: number;
  /** The clock for the position's `updated` (RFC 3339). */
  readonly timestamp: () => string;
  /** Called after each committed page with the entries taken in so far. */
  readonly onPage?: (downloaded: number) => void;
}

/** What one download brought. */
export interface DownloadResult {
  readonly downloaded: number;
  readonly changed: number;
  readonly conflicts: CatalogConflict[];
  readonly position: SyncPosition;
}

/** The sync position of `container` on this device (index 0 before the first download). */
export function positionOf(replica: CatalogReplica, container: string): SyncPosition {
  return (
    replica.position(container) ?? {
      container,
      index: 0,
      digest: EMPTY_CONTAINER_DIGEST,
      updated: new Date(0).toISOString(),
    }
  );
}

/**
 * Download `container` into `replica` from the position it holds up to the container's head:
 * at least `head.index` when the verified Status answer gave one (later entries too when they
 * arrive meanwhile), else whatever the service holds now. Throws LOG_INCONSISTENT when the
 * service's answers contradict the chain this device holds, CANCELLED when `signal` aborts
 * (pages already committed stay).
 */
export async function downloadContainer(
  client: MeshServiceClient,
  replica: CatalogReplica,
  container: string,
  head: ContainerHead | undefined,
  options: DownloadOptions,
): Promise<DownloadResult> {
  let position = positionOf(replica, container);
  const digestAtPosition = position.digest ?? EMPTY_CONTAINER_DIGEST;
  if (head !== undefined && head.index < position.index) {
    throw inconsistent(
      container,
      `the service reports ${head.index} entries in a container this device holds ${position.index} of`,
      'rolled-back',
    );
  }
  if (head !== undefined && head.index === position.index) {
    if (head.digest !== digestAtPosition) {
      replica.discardContainer(container);
      throw inconsistent(container, 'the service reports another history of a container', 'forked');
    }
    return { downloaded: 0, changed: 0, conflicts: [], position };
  }

  let digest = digestAtPosition;
  let downloaded = 0;
  let changed = 0;
  const conflicts: CatalogConflict[] = [];
  let pageKey: string | undefined;
  // The Status answer's entries, when they start right after what this device holds.
  let carried: ContainerUpdate | undefined =
    head?.entries !== undefined && head.entries[0]?.Index === position.index + 1
      ? { Container: container, Index: head.index, Digest: head.digest, Entries: [...head.entries] }
      : undefined;
  for (;;) {
    checkNotCancelled(options.signal);
    let update: ContainerUpdate | undefined = carried;
    carried = undefined;
    if (update === undefined) {
      const response = await client.call(
        'Download',
        {
          Account: options.account,
          Select: [
            pageKey === undefined
              ? { Container: container, IndexMin: position.index + 1 }
              : { Container: container, PageKey: pageKey },
          ],
          ...(options.maxEntries === undefined ? {} : { MaxEntries: options.maxEntries }),
        },
        { signal: options.signal },
      );
      update = response.Updates.find((item) => item.Container === container);
    }
    if (update === undefined) {
      throw new MeshError('SERVICE_ERROR', `the Download answer leaves out ${container}`, {
        reason: 'malformed-response',
        container,
      });
    }
    const entries: SealedEntry[] = [];
    let index = position.index;
    for (const entry of update.Entries) {
      if (entry.Index !== index + 1) {
        throw inconsistent(container, `the service skipped or repeated entry ${index + 1}`, 'gap');
      }
      index = entry.Index;
      digest = nextContainerDigest(digest, entry.Payload);
      if (head !== undefined && index === head.index && digest !== head.digest) {
        replica.discardContainer(container);
        throw inconsistent(
          container,
          'the entries the service sent do not make the container its Status reported',
          'digest-mismatch',
        );
      }
      entries.push({ index, payload: entry.Payload });
    }
    if (update.Index < position.index) {
      throw inconsistent(
        container,
        `the service reports ${update.Index} entries in a container this device holds ${position.index} of`,
        'rolled-back',
      );
    }
    if (update.Index < index || (index === update.Index && digest !== update.Digest)) {
      replica.discardContainer(container);
      throw inconsistent(
        container,
        'the entries the service sent do not make the container it reports',
        'digest-mismatch',
      );
    }
    if (entries.length > 0) {
      position = { container, index, digest, updated: options.timestamp() };
      const taken = replica.ingest(container, entries, position);
      downloaded += entries.length;
      changed += taken.changed.length;
      conflicts.push(...taken.conflicts);
      options.onPage?.(downloaded);
    }
    pageKey = update.PageKey;
    if (index >= update.Index && index >= (head?.index ?? 0)) break;
    if (entries.length === 0 && pageKey === undefined) {
      throw inconsistent(
        container,
        `the service reports ${update.Index} entries but sends none after ${index}`,
        'gap',
      );
    }
  }
  return { downloaded, changed, conflicts, position };
}

function inconsistent(container: string, message: string, reason: string): MeshError {
  return new MeshError('LOG_INCONSISTENT', `${container}: ${message}`, { reason, container });
}
