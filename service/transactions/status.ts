/**
 * Status (draft-hallambaker-mesh-reference-03 section 7.10; draft-hallambaker-mesh-protocol-00
 * section 10.6): the current signed checkpoint, a consistency proof from the tree size the client
 * last saw, and for an authenticated device its account's containers.
 */
import { MeshError } from '../../shared/errors';
import { formatCheckpointValue } from '../../shared/merkle/checkpoint';
import { encodeProofText } from '../../shared/merkle/hash-encoding';
import type { ContainerEntry } from '../../shared/protocol/common';
import {
  STATUS_SINCE_MAX_CHARS,
  STATUS_SINCE_MAX_ENTRIES,
  type StatusContainer,
} from '../../shared/protocol/messages/status';
import { STATUS } from '../../shared/protocol/status-codes';
import { EMPTY_CONTAINER_DIGEST } from '../../shared/protocol/container-digest';
import type { Handler } from './context';
import { respond } from './context';

/** Answer Status: 200; 404 when FromTreeSize is beyond the log. */
export const status: Handler<'Status'> = async (context, message, request) => {
  let containers: StatusContainer[] | undefined;
  if (request.auth !== undefined) {
    const account = request.auth.account;
    const heads = await context.backend.containerHeads(account, message.Containers);
    containers = heads.map((head) => ({
      Container: head.container,
      Index: head.index,
      Digest: head.digest,
    }));
    for (const name of message.Containers ?? []) {
      if (!containers.some((known) => known.Container === name)) {
        containers.push({ Container: name, Index: 0, Digest: EMPTY_CONTAINER_DIGEST });
      }
    }
    // The entries after each Since index, when all of them fit in what is left of the budget.
    let entriesLeft = STATUS_SINCE_MAX_ENTRIES;
    let charsLeft = STATUS_SINCE_MAX_CHARS;
    for (const since of message.Since ?? []) {
      const item = containers.find((known) => known.Container === since.Container);
      if (item === undefined || item.Index <= since.Index) continue;
      const count = item.Index - since.Index;
      if (count > entriesLeft) continue;
      const rows = await context.backend.containerEntries({
        account,
        container: since.Container,
        indexMin: since.Index + 1,
        indexMax: item.Index,
        limit: count,
      });
      const chars = rows.reduce((sum, row) => sum + row.payload.length, 0);
      if (rows.length !== count || chars > charsLeft) continue;
      entriesLeft -= count;
      charsLeft -= chars;
      // Sender only when it is not the account itself (a Post from another account): the
      // account's own Uploads are most of what a device syncs (docs/protocol.md "Status").
      item.Entries = rows.map((row): ContainerEntry => ({
        Index: row.index,
        Published: new Date(row.published).toISOString(),
        ...(row.sender === account ? {} : { Sender: row.sender }),
        Payload: row.payload,
      }));
    }
  }
  await context.tree.current();
  const now = context.options.clock();
  const checkpoint = context.tree.checkpoint(now);
  let consistency;
  if (message.FromTreeSize !== undefined) {
    if (message.FromTreeSize > checkpoint.TreeSize) {
      throw new MeshError(
        'NOT_FOUND',
        `StatusRequest.FromTreeSize: the log has ${checkpoint.TreeSize} entries, fewer than ${message.FromTreeSize}`,
        { field: 'StatusRequest.FromTreeSize' },
      );
    }
    // From the request's FromTreeSize to the checkpoint's TreeSize: the two sizes are not
    // repeated in the proof (docs/protocol.md "Status").
    consistency = {
      Path: encodeProofText(
        context.tree.consistencyProof(message.FromTreeSize, checkpoint.TreeSize),
      ),
    };
  }
  return respond(STATUS.OK, {
    CheckpointValue: formatCheckpointValue(checkpoint),
    ...(consistency === undefined ? {} : { ConsistencyProof: consistency }),
    ...(containers === undefined ? {} : { ContainerStatus: containers }),
  });
};
