/**
 * Publish (draft-hallambaker-mesh-reference-03 section 7.9): append a new version of a personal
 * profile, or an escrow entry, to the log. A profile carries its own signatures (no Authorization
 * needed); an escrow entry needs Account and an Authorization by one of its devices.
 */
import { z } from 'zod';
import { escrowEntrySchema } from '../../profiles/escrow-entry';
import { signedObjectSchema } from '../../profiles/signed-object';
import {
  accountFieldSchema,
  requestBaseShape,
  responseBaseShape,
  transactionIdSchema,
} from '../common';

/**
 * PublishRequest (draft-hallambaker-mesh-reference-03 section 7.9.1): exactly one of Profile and
 * EscrowEntry.
 */
export const publishRequestSchema = z
  .strictObject({
    ...requestBaseShape,
    Account: accountFieldSchema.optional(),
    /** A SignedPersonalProfile: the next version of an account's profile. */
    Profile: signedObjectSchema.optional(),
    EscrowEntry: escrowEntrySchema.optional(),
    /**
     * With Profile: the TransactionID of the version this one replaces (as Get reported it). When
     * the account's current version is another one, the service answers 409 with CurrentVersion
     * and changes nothing, so two administrators cannot overwrite each other (docs/protocol.md
     * Publish). Without it, the version replaces whatever is current.
     */
    ExpectedVersion: transactionIdSchema.optional(),
  })
  .superRefine((request, context) => {
    if ((request.Profile === undefined) === (request.EscrowEntry === undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'exactly one of Profile and EscrowEntry is required',
        path: ['Profile'],
      });
    }
    if (request.ExpectedVersion !== undefined && request.Profile === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'ExpectedVersion goes with a Profile',
        path: ['ExpectedVersion'],
      });
    }
    if (request.EscrowEntry !== undefined && request.Account === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'an EscrowEntry is published for an Account',
        path: ['Account'],
      });
    }
  });
export type PublishRequest = z.infer<typeof publishRequestSchema>;

/**
 * PublishResponse (draft-hallambaker-mesh-reference-03 section 7.9.2): 201 first version, 202
 * update, 200 already published.
 */
export const publishResponseSchema = z.object({
  ...responseBaseShape,
  Identifier: z.string(),
  TransactionID: transactionIdSchema,
});
export type PublishResponse = z.infer<typeof publishResponseSchema>;

/** A failed Publish: on 409 (a stale ExpectedVersion), the TransactionID of the current version. */
export const publishFailureSchema = z.object({
  ...responseBaseShape,
  CurrentVersion: transactionIdSchema.optional(),
});
export type PublishFailure = z.infer<typeof publishFailureSchema>;
