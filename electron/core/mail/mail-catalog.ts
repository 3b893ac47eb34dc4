import type { Connection } from '../../../shared/apps/connection';
import { mailAccountEntrySchema } from '../../../shared/apps/mail-profile';
import type { MailAccountEntry, MailProfilePrivate } from '../../../shared/apps/mail-profile';
import { MeshError } from '../../../shared/errors';
import { checkWithSchema, contentOf, createEntry, reviseEntry } from '../catalog/entry-model';
import type { ChangeContext } from '../catalog/entry-model';
import { normaliseServerHost } from './mail-connection';

/**
 * Mail accounts as a person makes and edits them (draft-hallambaker-mesh-reference-03 section 5.8.2
 * MailProfilePrivate, one catalog entry per account): addresses checked and normalised, a new
 * account or a new version of one. Pure: the mail application stores the result as one record of
 * its catalog, which the core encrypts.
 */

/** An email address split into its parts; the domain lower-case ASCII (IDN in punycode). */
export type EmailAddress = { address: string; localPart: string; domain: string };

/** Parses `local@domain` (RFC 5322 addr-spec, without comments or quoted local parts). */
export function parseEmailAddress(text: string): EmailAddress {
  const trimmed = text.trim();
  const at = trimmed.lastIndexOf('@');
  const localPart = trimmed.slice(0, at);
  if (at <= 0 || localPart.length > 64 || !/^[^\s@"(),:;<>[\\\]]+$/.test(localPart)) {
    throw new MeshError('INVALID_ARGUMENT', 'Not an email address.', { field: 'EmailAddress' });
  }
  let domain: string;
  try {
    domain = normaliseServerHost(trimmed.slice(at + 1));
  } catch {
    throw new MeshError('INVALID_ARGUMENT', 'The email address has no valid domain.', {
      field: 'EmailAddress',
    });
  }
  return { address: `${localPart}@${domain}`, localPart, domain };
}

/** What a user gives for a mail account. */
export type MailAccountInput = {
  EmailAddress: string;
  ReplyToAddress?: string | undefined;
  DisplayName?: string | undefined;
  AccountName?: string | undefined;
  Inbound?: Connection[];
  Outbound?: Connection[];
};

function cleanAccount(input: MailAccountInput, previous?: MailProfilePrivate): MailProfilePrivate {
  const account: MailProfilePrivate = {
    EmailAddress: parseEmailAddress(input.EmailAddress).address,
    Inbound: input.Inbound ?? previous?.Inbound ?? [],
    Outbound: input.Outbound ?? previous?.Outbound ?? [],
    Sign: previous?.Sign ?? [],
    Encrypt: previous?.Encrypt ?? [],
  };
  if (input.ReplyToAddress)
    account.ReplyToAddress = parseEmailAddress(input.ReplyToAddress).address;
  if (input.DisplayName) account.DisplayName = input.DisplayName;
  if (input.AccountName) account.AccountName = input.AccountName;
  return account;
}

/** The key accounts are found by: the address, case-insensitive. */
export function addressKey(address: string): string {
  return parseEmailAddress(address).address.toLowerCase();
}

/** A new account made by the context's device, checked against the schema. */
export function newMailAccount(input: MailAccountInput, context: ChangeContext): MailAccountEntry {
  return checkWithSchema(
    mailAccountEntrySchema,
    createEntry(cleanAccount(input), context),
    'mail account',
  );
}

/**
 * A new version of `current` with `changes` (given fields replace the current ones); the previous
 * version goes to History. `current` itself when nothing changes.
 */
export function reviseMailAccount(
  current: MailAccountEntry,
  changes: Partial<MailAccountInput>,
  context: ChangeContext,
): MailAccountEntry {
  const previous = contentOf<MailProfilePrivate>(current);
  const merged: MailAccountInput = { ...previous };
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  const revised = reviseEntry(current, cleanAccount(merged, previous), context);
  return revised === current
    ? current
    : checkWithSchema(mailAccountEntrySchema, revised, 'mail account');
}
