/**
 * Download (draft-hallambaker-mesh-protocol-00 section 10.7): the entries of the authenticated
 * account's containers, in index order, within the page limits; a container cut short carries a
 * PageKey to continue.
 */
import { z } from 'zod';
import { MeshError } from '../../shared/errors';
import type { ContainerEntry } from '../../shared/protocol/common';
import { dateTimeMillis } from '../../shared/protocol/date-time';
import type { ContainerUpdate } from '../../shared/protocol/messages/download';
import { STATUS } from '../../shared/protocol/status-codes';
import { EMPTY_CONTAINER_DIGEST } from '../../shared/protocol/container-digest';
import type { Handler } from './context';
import { requireAuthenticated, respond } from './context';

const downloadStateSchema = z.object({
  account: z.string(),
  container: z.string(),
  next: z.number(),
  indexMax: z.number().optional(),
  notBefore: z.number().optional(),
  before: z.number().optional(),
});
type DownloadState = z.infer<typeof downloadStateSchema>;

/** Answer Download: 200 with one update per Select. */
export const download: Handler<'Download'> = async (context, message, request) => {
  const account = requireAuthenticated(request.auth?.account);
  const limits = context.options.limits;
  let entriesLeft = Math.min(
    message.MaxEntries ?? limits.maxEntriesPerPage,
    limits.maxEntriesPerPage,
  );
  let bytesLeft = message.MaxBytes ?? Number.POSITIVE_INFINITY;
  let returned = 0;
  const updates: ContainerUpdate[] = [];
  for (const [i, select] of message.Select.entries()) {
    const field = `DownloadRequest.Select.${i}.PageKey`;
    let state: DownloadState;
    if (select.PageKey !== undefined) {
      state = context.pageKeys.open('Download', select.PageKey, downloadStateSchema, field);
      if (state.account !== account || state.container !== select.Container) {
        throw new MeshError('INVALID_MESSAGE', `${field}: issued for another container`, { field });
      }
    } else {
      state = {
        account,
        container: select.Container,
        next: select.IndexMin ?? 1,
        ...(select.IndexMax === undefined ? {} : { indexMax: select.IndexMax }),
        ...(select.NotBefore === undefined ? {} : { notBefore: dateTimeMillis(select.NotBefore) }),
        ...(select.Before === undefined ? {} : { before: dateTimeMillis(select.Before) }),
      };
    }
    const head = await context.backend.containerHead(account, select.Container);
    const lastIndex = head?.index ?? 0;
    const rows =
      entriesLeft > 0
        ? await context.backend.containerEntries({
            account,
            container: select.Container,
            indexMin: state.next,
            ...(state.indexMax === undefined ? {} : { indexMax: state.indexMax }),
            ...(state.notBefore === undefined ? {} : { notBefore: state.notBefore }),
            ...(state.before === undefined ? {} : { before: state.before }),
            limit: entriesLeft + 1,
          })
        : [];
    const entries: ContainerEntry[] = [];
    let next = state.next;
    for (const row of rows) {
      if (entries.length >= entriesLeft) break;
      if (returned > 0 && row.payload.length > bytesLeft) break;
      bytesLeft -= row.payload.length;
      returned++;
      entries.push({
        Index: row.index,
        Published: new Date(row.published).toISOString(),
        Sender: row.sender,
        Payload: row.payload,
      });
      next = row.index + 1;
    }
    entriesLeft -= entries.length;
    const upTo = Math.min(lastIndex, state.indexMax ?? Number.POSITIVE_INFINITY);
    const more =
      entries.length < rows.length || (rows.length === 0 && entriesLeft <= 0 && next <= upTo);
    updates.push({
      Container: select.Container,
      Index: lastIndex,
      Digest: head?.digest ?? EMPTY_CONTAINER_DIGEST,
      Entries: entries,
      ...(more ? { PageKey: context.pageKeys.issue('Download', { ...state, next }) } : {}),
    });
  }
  return respond(STATUS.OK, { Updates: updates });
};
