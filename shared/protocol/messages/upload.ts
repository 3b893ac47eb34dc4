/**
 * Upload (draft-hallambaker-mesh-protocol-00 section 10.8): append entries to an account's
 * containers, each container at the index the client expects. All or nothing: when any container
 * moved on, nothing is written and the answer is 409 with that container's status. Authenticated by
 * a device of the account.
 */
import { z } from 'zod';
import {
  accountFieldSchema,
  containerNameSchema,
  containerStatusSchema,
  entryResponseSchema,
  entryUploadSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';

/**
 * One container's part of an upload (draft-hallambaker-mesh-protocol-00 section 10.4.6 with the
 * expected index).
 */
export const containerUploadSchema = z.strictObject({
  Container: containerNameSchema,
  /** The last index the client has seen in this container (0: empty). */
  ExpectedIndex: z.int().min(0),
  Entries: z.array(entryUploadSchema).min(1).max(10_000),
});
export type ContainerUpload = z.infer<typeof containerUploadSchema>;

/** UploadRequest (draft-hallambaker-mesh-protocol-00 section 10.8.1). */
export const uploadRequestSchema = z
  .strictObject({
    ...requestBaseShape,
    Account: accountFieldSchema,
    Updates: z.array(containerUploadSchema).min(1).max(64),
  })
  .superRefine((request, context) => {
    const seen = new Set<string>();
    request.Updates.forEach((update, i) => {
      if (seen.has(update.Container)) {
        context.addIssue({
          code: 'custom',
          message: 'a container may appear once per upload',
          path: ['Updates', i, 'Container'],
        });
      }
      seen.add(update.Container);
    });
  });
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/**
 * UploadResponse (draft-hallambaker-mesh-protocol-00 section 10.8.2). A 409 carries Entries and
 * ContainerStatus too.
 */
export const uploadResponseSchema = z.object({
  ...responseBaseShape,
  Entries: z.array(entryResponseSchema),
  ContainerStatus: z.array(containerStatusSchema),
  TransactionID: transactionIdSchema,
});
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

/** The failure form of UploadResponse: on 409, what conflicted and where each container is. */
export const uploadFailureSchema = z.object({
  ...responseBaseShape,
  Entries: z.array(entryResponseSchema).optional(),
  ContainerStatus: z.array(containerStatusSchema).optional(),
});
export type UploadFailure = z.infer<typeof uploadFailureSchema>;
