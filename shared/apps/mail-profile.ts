import { z } from 'zod';
import { connectionSchema } from './connection';
import { catalogEntrySchema } from './entry';

/**
 * A public key as profiles carry it (docs/module-contracts.md section 2: UDF and PublicParameters).
 * The parameters are kept loose here because mail keys may be OpenPGP or S/MIME keys, not JWKs.
 */
export const mailPublicKeySchema = z.strictObject({
  UDF: z.string().min(1).max(256),
  PublicParameters: z.looseObject({ kty: z.string() }),
});

/**
 * The content of MailProfilePrivate (draft-hallambaker-mesh-reference-03 section 5.8.2): one mail
 * account.
 */
export const mailAccountContentShape = {
  /** The RFC 5322 address of the account; required here, it is how the user names it. */
  EmailAddress: z.string().min(3).max(320),
  ReplyToAddress: z.string().max(320).optional(),
  /** The name shown to recipients, e.g. "Alice Example". */
  DisplayName: z.string().max(300).optional(),
  /** The name shown to the user, e.g. "Work Account". */
  AccountName: z.string().max(300).optional(),
  /** Inbound connections (IMAP, POP3), preferred first. */
  Inbound: z.array(connectionSchema).max(20).default([]),
  /** Outbound connections (SMTP submission), preferred first. */
  Outbound: z.array(connectionSchema).max(20).default([]),
  Sign: z.array(mailPublicKeySchema).max(20).default([]),
  Encrypt: z.array(mailPublicKeySchema).max(20).default([]),
} as const;

/**
 * MailProfilePrivate as the schema of its own (draft-hallambaker-mesh-reference-03 section 5.8.2).
 */
export const mailProfilePrivateSchema = z.strictObject(mailAccountContentShape);
export type MailProfilePrivate = z.infer<typeof mailProfilePrivateSchema>;

/** One mail account entry of the mail catalog: MailProfilePrivate plus metadata and history. */
export const mailAccountEntrySchema = catalogEntrySchema(mailAccountContentShape);
export type MailAccountEntry = z.infer<typeof mailAccountEntrySchema>;
