import { passwordEntrySchema } from '../../../shared/apps/password-entry';
import type { PasswordEntry, PasswordEntryContent } from '../../../shared/apps/password-entry';
import { checkWithSchema, contentOf, createEntry, reviseEntry } from '../catalog/entry-model';
import type { ChangeContext } from '../catalog/entry-model';
import { normaliseSite } from '../catalog/site-match';
import { siteOfUrl, urlsToKeep } from './entry-urls';
import { parseTotp } from './totp';

/**
 * Password entries as a person makes and edits them (draft-hallambaker-mesh-reference-03 section
 * 5.7.3, docs/architecture.md section 3): the input, cleaned (sites normalised, URLs kept whole,
 * empty fields left out, the TOTP secret checked) into a new entry or a new version of one. Pure:
 * the password application stores the result as one record of its catalog.
 */

/**
 * What a user gives to add an entry; sites may be URLs, hosts or `*.` patterns (a URL is kept
 * whole in URLs, its host in Sites). The TOTP secret is checked (parseTotp): a bad one is
 * refused here, at entry time, rather than failing each time a code is asked for.
 */
export type PasswordEntryInput = {
  Title?: string | undefined;
  Sites: readonly string[];
  Username?: string | undefined;
  Password?: string | undefined;
  Notes?: string | undefined;
  TOTP?: string | undefined;
  Kind?: PasswordEntryContent['Kind'];
  URLs?: readonly string[] | undefined;
  Folder?: string | undefined;
  Favorite?: boolean | undefined;
  Fields?: PasswordEntryContent['Fields'];
};

/** A site lookup result: the entry, the pattern that matched, and how well. */
export type SiteMatch = { entry: PasswordEntry; site: string; rank: number };

/** Empty strings are absent fields: a cleared field and a missing one are the same content. */
function cleanContent(input: PasswordEntryInput): PasswordEntryContent {
  const sites: string[] = [];
  for (const site of input.Sites) {
    const normalised = normaliseSite(site);
    if (!sites.includes(normalised)) sites.push(normalised);
  }
  const content: PasswordEntryContent = { Sites: sites };
  for (const key of ['Title', 'Username', 'Password', 'Notes', 'TOTP', 'Folder'] as const) {
    const value = input[key];
    if (value !== undefined && value !== '') content[key] = value;
  }
  // URLs as given (stored ones, and sites typed as URLs), less those of sites no longer listed.
  const urls = urlsToKeep([
    ...(input.URLs ?? []),
    ...input.Sites.filter((site) => site.includes('://')),
  ]).filter((url) => {
    const site = siteOfUrl(url);
    return site === undefined || sites.includes(site);
  });
  if (urls.length > 0) content.URLs = urls;
  if (input.Kind === 'note') content.Kind = 'note';
  if (input.Favorite === true) content.Favorite = true;
  if (input.Fields !== undefined && input.Fields.length > 0) content.Fields = [...input.Fields];
  return content;
}

/** Refuses a TOTP secret that cannot make codes (INVALID_ARGUMENT, field TOTP; totp.ts). */
function checkTotp(totp: string | undefined): void {
  if (totp !== undefined && totp !== '') parseTotp(totp);
}

/**
 * A new entry made by the context's device; sites are normalised
 * (draft-hallambaker-mesh-reference-03 section 5.7.3). INVALID_ARGUMENT naming the field when the
 * input is not a valid entry.
 */
export function newPasswordEntry(input: PasswordEntryInput, context: ChangeContext): PasswordEntry {
  checkTotp(input.TOTP);
  return checkWithSchema(
    passwordEntrySchema,
    createEntry(cleanContent(input), context),
    'password entry',
  );
}

/**
 * A new version of `current`: the fields given replace the current ones (an empty string clears a
 * field), the previous version goes to History. `current` itself when nothing changes.
 */
export function revisePasswordEntry(
  current: PasswordEntry,
  changes: Partial<PasswordEntryInput>,
  context: ChangeContext,
): PasswordEntry {
  // A new TOTP secret is checked; one stored before (perhaps bad) is kept as it is.
  if (changes.TOTP !== current.TOTP) checkTotp(changes.TOTP);
  const merged: PasswordEntryInput = { ...contentOf<PasswordEntryContent>(current) };
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  const revised = reviseEntry(current, cleanContent(merged), context);
  return revised === current
    ? current
    : checkWithSchema(passwordEntrySchema, revised, 'password entry');
}
