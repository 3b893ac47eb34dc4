import type { Connection } from '../../../shared/apps/connection';
import { mailAccountEntrySchema } from '../../../shared/apps/mail-profile';
import type { MailAccountEntry, MailProfilePrivate } from '../../../shared/apps/mail-profile';
import { MeshError } from '../../../shared/errors';
import {
  checkWithSchema,
  contentOf,
  createEntry,
  mergeEntryVersions,
  reviseEntry,
} from '../catalog/entry-model';
import type { ChangeContext } from '../catalog/entry-model';
import { normaliseServerHost } from './mail-connection';

/**
 * The mail accounts of one device in memory (draft-hallambaker-mesh-reference-03 section 5.8.2
 * MailProfilePrivate, one entry per account), keyed by Identifier and found by address. Plaintext
 * only: the core encrypts each entry for the synced catalog.
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

const keyOf = (address: string) => address.toLowerCase();
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Seed 001 5.8: the mail accounts of one profile. */
export class MailCatalog {
  readonly #entries = new Map<string, MailAccountEntry>();

  constructor(entries: Iterable<MailAccountEntry> = []) {
    for (const entry of entries) this.put(entry);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(identifier: string): MailAccountEntry | undefined {
    return this.#entries.get(identifier);
  }

  /** The account for an address (case-insensitive), if any. */
  getByAddress(address: string): MailAccountEntry | undefined {
    const wanted = keyOf(parseEmailAddress(address).address);
    for (const entry of this.#entries.values()) {
      if (keyOf(entry.EmailAddress) === wanted) return entry;
    }
    return undefined;
  }

  /** Every account, by account name or address. */
  list(): MailAccountEntry[] {
    return [...this.#entries.values()].sort((a, b) =>
      collator.compare(a.AccountName ?? a.EmailAddress, b.AccountName ?? b.EmailAddress),
    );
  }

  /** Adds an account; ALREADY_EXISTS when the address has one. */
  add(input: MailAccountInput, context: ChangeContext): MailAccountEntry {
    const account = cleanAccount(input);
    if (this.getByAddress(account.EmailAddress)) {
      throw new MeshError('ALREADY_EXISTS', 'There is already an account for this address.', {
        field: 'EmailAddress',
      });
    }
    return this.put(createEntry(account, context));
  }

  /** Edits an account; the previous version goes to History. */
  update(
    identifier: string,
    changes: Partial<MailAccountInput>,
    context: ChangeContext,
  ): MailAccountEntry {
    const current = this.#require(identifier);
    const previous = contentOf<MailProfilePrivate>(current);
    const merged: MailAccountInput = { ...previous };
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) Object.assign(merged, { [key]: value });
    }
    const account = cleanAccount(merged, previous);
    const other = this.getByAddress(account.EmailAddress);
    if (other && other.Identifier !== identifier) {
      throw new MeshError('ALREADY_EXISTS', 'There is already an account for this address.', {
        field: 'EmailAddress',
      });
    }
    const revised = reviseEntry(current, account, context);
    return revised === current ? current : this.put(revised);
  }

  /** Removes an account and returns it; NOT_FOUND when absent. */
  delete(identifier: string): MailAccountEntry {
    const entry = this.#require(identifier);
    this.#entries.delete(identifier);
    return entry;
  }

  /** Stores a complete entry (e.g. decrypted from the synced catalog), checked. */
  put(entry: MailAccountEntry): MailAccountEntry {
    const checked = checkWithSchema(mailAccountEntrySchema, entry, 'mail account');
    this.#entries.set(checked.Identifier, checked);
    return checked;
  }

  /** Takes in a version from elsewhere (sync): newer wins, the other kept in History. */
  mergeIn(incoming: MailAccountEntry): MailAccountEntry {
    const checked = checkWithSchema(mailAccountEntrySchema, incoming, 'mail account');
    const current = this.#entries.get(checked.Identifier);
    return this.put(current ? mergeEntryVersions(current, checked) : checked);
  }

  #require(identifier: string): MailAccountEntry {
    const entry = this.#entries.get(identifier);
    if (!entry) {
      throw new MeshError('NOT_FOUND', 'There is no mail account with this identifier.', {
        field: 'Identifier',
      });
    }
    return entry;
  }
}
