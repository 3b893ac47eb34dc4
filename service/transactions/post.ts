/**
 * Post (draft-hallambaker-mesh-protocol-00 section 10.9): deliver messages to the inbound spool of
 * accounts on this service, from the authenticated sender. One transaction; an unknown recipient
 * delivers nothing (404).
 */
import { MeshError } from '../../shared/errors';
import { requireAccountName } from '../../shared/protocol/account-name';
import type { EntryResponse } from '../../shared/protocol/common';
import { INBOUND_SPOOL } from '../../shared/protocol/common';
import { STATUS } from '../../shared/protocol/status-codes';
import type { ContainerHeadRow } from '../storage/rows';
import {
  EMPTY_CONTAINER_DIGEST,
  nextContainerDigest,
} from '../../shared/protocol/container-digest';
import type { Handler } from './context';
import { requireAuthenticated, respond, submit } from './context';
import { payloadBytes } from './quota';

/** Answer Post: 201 with where each message went. */
export const post: Handler<'Post'> = async (context, message, request) => {
  const sender = requireAuthenticated(request.auth?.account);
  const recipients = [
    ...new Set(
      message.Accounts.map((name, i) =>
        requireAccountName(name, `PostRequest.Accounts.${i}`, context.options.accountPolicy),
      ),
    ),
  ];
  const bytes = payloadBytes(message.Message);
  for (const [i, name] of recipients.entries()) {
    await context.usage.check(name, bytes, `PostRequest.Accounts.${i}`);
  }
  const { txId, results } = await submit(context, request, async (scope) => {
    const heads: (ContainerHeadRow | undefined)[] = [];
    for (const [i, name] of recipients.entries()) {
      const account = await scope.account(name);
      if (account?.status !== 'Open') {
        throw new MeshError('NOT_FOUND', `PostRequest.Accounts: no such account (${name})`, {
          field: `PostRequest.Accounts.${i}`,
        });
      }
      heads.push(await scope.containerHead(name, INBOUND_SPOOL));
    }
    const id = scope.append('Post', {
      Account: sender,
      Deliveries: recipients.map((name, i) => ({
        Account: name,
        Container: INBOUND_SPOOL,
        FirstIndex: (heads[i]?.index ?? 0) + 1,
      })),
      Message: message.Message,
    });
    const responses: EntryResponse[] = [];
    for (const [i, name] of recipients.entries()) {
      let index = heads[i]?.index ?? 0;
      let digest = heads[i]?.digest ?? EMPTY_CONTAINER_DIGEST;
      for (const [position, entry] of message.Message.entries()) {
        index++;
        digest = nextContainerDigest(digest, entry.Payload);
        scope.putContainerEntry({
          account: name,
          container: INBOUND_SPOOL,
          index,
          txId: id,
          published: scope.now,
          sender,
          payload: entry.Payload,
        });
        responses.push({
          Account: name,
          Container: INBOUND_SPOOL,
          IndexRequest: position,
          IndexContainer: index,
          Result: 'Accept',
        });
      }
      scope.putContainerHead({ account: name, container: INBOUND_SPOOL, index, digest });
    }
    return { txId: id, results: responses };
  });
  for (const name of recipients) context.usage.add(name, bytes);
  return respond(STATUS.Created, { Entries: results, TransactionID: txId });
};
