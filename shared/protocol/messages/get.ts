/**
 * Get (draft-hallambaker-mesh-reference-03 section 7.8): search the published profiles and escrow
 * entries by Identifier, Account or KeyValues, with SearchConstraints, Multiple (every version, not
 * only the latest) and Full (the log record, its position and an inclusion proof against the
 * checkpoint in the response). Public: no Authorization.
 */
import { z } from 'zod';
import { escrowEntrySchema } from '../../profiles/escrow-entry';
import { signedObjectSchema } from '../../profiles/signed-object';
import {
  accountFieldSchema,
  checkpointFieldSchema,
  keyValueSchema,
  pageKeySchema,
  proofPathSchema,
  requestBaseShape,
  responseBaseShape,
  searchConstraintsSchema,
  transactionIdSchema,
} from '../common';
import { dateTimeSchema } from '../date-time';

/** The KeyValues keys Get understands. */
export const getKeys = ['Type', 'Identifier', 'Account', 'Device', 'Name'] as const;

/** The kinds of published data (draft-hallambaker-mesh-reference-03 section 7.9). */
export const dataItemTypes = ['PersonalProfile', 'EscrowEntry'] as const;
export type DataItemType = (typeof dataItemTypes)[number];

/**
 * GetRequest (draft-hallambaker-mesh-reference-03 section 7.8.1). At least one of Identifier,
 * Account, KeyValues, or a PageKey.
 */
export const getRequestSchema = z
  .strictObject({
    ...requestBaseShape,
    Identifier: z.string().min(1).max(256).optional(),
    Account: accountFieldSchema.optional(),
    KeyValues: z.array(keyValueSchema).max(16).optional(),
    SearchConstraints: searchConstraintsSchema.optional(),
    Multiple: z.boolean().optional(),
    Full: z.boolean().optional(),
  })
  .superRefine((request, context) => {
    const hasQuery =
      request.Identifier !== undefined ||
      request.Account !== undefined ||
      (request.KeyValues?.length ?? 0) > 0;
    if (!hasQuery && request.SearchConstraints?.PageKey === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'one of Identifier, Account, KeyValues or SearchConstraints.PageKey is required',
        path: ['Identifier'],
      });
    }
    request.KeyValues?.forEach((pair, i) => {
      if (!(getKeys as readonly string[]).includes(pair.Key)) {
        context.addIssue({
          code: 'custom',
          message: `Key must be one of ${getKeys.join(', ')}`,
          path: ['KeyValues', i, 'Key'],
        });
      }
    });
  });
export type GetRequest = z.infer<typeof getRequestSchema>;

/** DataItem: one published object with its log position (and, for Full, its proof). */
export const dataItemSchema = z.object({
  Type: z.enum(dataItemTypes),
  Identifier: z.string(),
  /** The account it was published for. */
  Account: z.string().optional(),
  Published: dateTimeSchema,
  TransactionID: transactionIdSchema,
  Profile: signedObjectSchema.optional(),
  EscrowEntry: escrowEntrySchema.optional(),
  /** Full: the exact log record; the Merkle leaf is its UTF-8 bytes. */
  Record: z.string().optional(),
  /** Full: the leaf index of the record (TransactionID - 1). */
  LeafIndex: z.int().min(0).optional(),
  /** Full: PATH(LeafIndex, D[Checkpoint.TreeSize]) as base64url hashes, bottom-up. */
  InclusionProof: proofPathSchema.optional(),
});
export type DataItem = z.infer<typeof dataItemSchema>;

/** GetResponse (draft-hallambaker-mesh-reference-03 section 7.8.2). */
export const getResponseSchema = z.object({
  ...responseBaseShape,
  DataItems: z.array(dataItemSchema),
  PageKey: pageKeySchema.optional(),
  /** Full: the checkpoint every InclusionProof of this response leads to. */
  Checkpoint: checkpointFieldSchema.optional(),
});
export type GetResponse = z.infer<typeof getResponseSchema>;
