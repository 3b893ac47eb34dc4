/**
 * Upload (draft-hallambaker-mesh-protocol-00 section 10.8): append entries to the authenticated
 * account's containers, each at the index the client expects. All or nothing, one transaction; a
 * container that moved on makes the whole upload a 409 Conflict carrying every named container's
 * status.
 */
import { MeshError } from '../../shared/errors';
import type { ContainerStatus, EntryResponse } from '../../shared/protocol/common';
import { STATUS } from '../../shared/protocol/status-codes';
import {
  EMPTY_CONTAINER_DIGEST,
  nextContainerDigest,
} from '../../shared/protocol/container-digest';
import type { Handler } from './context';
import { requireAuthenticated, respond, submit } from './context';
import { payloadBytes } from './quota';

/** Answer Upload: 201, or 409 with the containers' status. */
export const upload: Handler<'Upload'> = async (context, message, request) => {
  const account = requireAuthenticated(request.auth?.account);
  const bytes = message.Updates.reduce((sum, update) => sum + payloadBytes(update.Entries), 0);
  await context.usage.check(account, bytes, 'UploadRequest.Updates');
  const outcome = await submit(context, request, async (scope) => {
    const row = await scope.account(account);
    if (row?.status !== 'Open') {
      throw new MeshError('NOT_FOUND', 'Account: no such account', { field: 'Account' });
    }
    const heads = await Promise.all(
      message.Updates.map((update) => scope.containerHead(account, update.Container)),
    );
    const before: ContainerStatus[] = message.Updates.map((update, i) => ({
      Container: update.Container,
      Index: heads[i]?.index ?? 0,
      Digest: heads[i]?.digest ?? EMPTY_CONTAINER_DIGEST,
    }));
    const conflicts = new Set(
      message.Updates.filter((update, i) => before[i]?.Index !== update.ExpectedIndex).map(
        (update) => update.Container,
      ),
    );
    if (conflicts.size > 0) return { kind: 'conflict' as const, conflicts, status: before };
    const txId = scope.append('Upload', {
      Account: account,
      Updates: message.Updates.map((update) => ({
        Container: update.Container,
        FirstIndex: update.ExpectedIndex + 1,
        Entries: update.Entries,
      })),
    });
    const after: ContainerStatus[] = [];
    const results: EntryResponse[] = [];
    for (const [i, update] of message.Updates.entries()) {
      let index = update.ExpectedIndex;
      let digest = before[i]?.Digest ?? EMPTY_CONTAINER_DIGEST;
      for (const [position, entry] of update.Entries.entries()) {
        index++;
        digest = nextContainerDigest(digest, entry.Payload);
        scope.putContainerEntry({
          account,
          container: update.Container,
          index,
          txId,
          published: scope.now,
          sender: account,
          payload: entry.Payload,
        });
        results.push({
          Container: update.Container,
          IndexRequest: position,
          IndexContainer: index,
          Result: 'Accept',
        });
      }
      scope.putContainerHead({ account, container: update.Container, index, digest });
      after.push({ Container: update.Container, Index: index, Digest: digest });
    }
    return { kind: 'written' as const, txId, results, status: after };
  });
  if (outcome.kind === 'conflict') {
    const entries: EntryResponse[] = message.Updates.flatMap((update) =>
      update.Entries.map((_, position) => ({
        Container: update.Container,
        IndexRequest: position,
        Result: outcome.conflicts.has(update.Container)
          ? ('Conflict' as const)
          : ('Reject' as const),
      })),
    );
    return {
      Status: STATUS.Conflict,
      StatusDescription: `a container has moved on: ${[...outcome.conflicts].join(', ')}`,
      Entries: entries,
      ContainerStatus: outcome.status,
    };
  }
  context.usage.add(account, bytes);
  return respond(STATUS.Created, {
    Entries: outcome.results,
    ContainerStatus: outcome.status,
    TransactionID: outcome.txId,
  });
};
