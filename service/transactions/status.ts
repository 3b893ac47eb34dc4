/**
 * Status (seed 001 7.10; seed 004 10.6): the current signed checkpoint, a consistency proof from
 * the tree size the client last saw, and for an authenticated device its account's containers.
 */
import { MeshError } from '../../shared/errors';
import { formatCheckpointValue } from '../../shared/merkle/checkpoint';
import { encodeProof } from '../../shared/merkle/hash-encoding';
import type { ContainerStatus } from '../../shared/protocol/common';
import { STATUS } from '../../shared/protocol/status-codes';
import { EMPTY_DIGEST } from './container-digest';
import type { Handler } from './context';
import { respond } from './context';

/** Answer Status: 200; 404 when FromTreeSize is beyond the log. */
export const status: Handler<'Status'> = async (context, message, request) => {
  let containers: ContainerStatus[] | undefined;
  if (request.auth !== undefined) {
    const heads = await context.backend.containerHeads(request.auth.account, message.Containers);
    containers = heads.map((head) => ({
      Container: head.container,
      Index: head.index,
      Digest: head.digest,
    }));
    for (const name of message.Containers ?? []) {
      if (!containers.some((known) => known.Container === name)) {
        containers.push({ Container: name, Index: 0, Digest: EMPTY_DIGEST });
      }
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
    consistency = {
      FromTreeSize: message.FromTreeSize,
      ToTreeSize: checkpoint.TreeSize,
      Path: encodeProof(context.tree.consistencyProof(message.FromTreeSize, checkpoint.TreeSize)),
    };
  }
  const lastWrite = context.tree.lastWriteTime;
  return respond(STATUS.OK, {
    ...(lastWrite === undefined ? {} : { LastWriteTime: new Date(lastWrite).toISOString() }),
    LastCheckpointTime: checkpoint.Timestamp,
    NextCheckpointTime: new Date(Math.max(now, Date.parse(checkpoint.Timestamp))).toISOString(),
    CheckpointValue: formatCheckpointValue(checkpoint),
    ...(consistency === undefined ? {} : { ConsistencyProof: consistency }),
    ...(containers === undefined ? {} : { ContainerStatus: containers }),
  });
};
