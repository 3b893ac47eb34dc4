import { passwordEntrySchema } from '../../../shared/apps/password-entry';
import type { PasswordEntry, PasswordEntryContent } from '../../../shared/apps/password-entry';
import { MeshError } from '../../../shared/errors';
import {
  checkWithSchema,
  contentOf,
  createEntry,
  mergeEntryVersions,
  reviseEntry,
} from '../catalog/entry-model';
import type { ChangeContext } from '../catalog/entry-model';
import {
  displaySite,
  entryDisplayName,
  normaliseSite,
  parseSite,
  siteMatchRank,
  wildcardParents,
} from '../catalog/site-match';
import type { Site } from '../catalog/site-match';
import { siteOfUrl, urlsToKeep } from './entry-urls';
import { parseTotp } from './totp';

/**
 * The password catalog of one device in memory (draft-hallambaker-mesh-reference-03 section 5.7,
 * docs/architecture.md section 3): entries keyed by Identifier, with indexes for lookup by site and
 * for search. It holds plaintext entries only; the core encrypts each entry on its own for the
 * synced catalog and feeds decrypted entries back in with put() or mergeIn().
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

/** A change an import wants to make, with the version it replaces (for a stale-plan check). */
export type PlannedChange = {
  entry: PasswordEntry;
  replaces?: { Identifier: string; Updated: string };
};

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

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

function searchTextOf(entry: PasswordEntry): string {
  const parts = [entry.Title ?? '', entry.Username ?? '', entry.Notes ?? ''];
  for (const site of entry.Sites) {
    parts.push(site);
    const unicode = displaySite(site);
    if (unicode !== site) parts.push(unicode);
  }
  return parts.join('\n').toLowerCase();
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

/** Seed 001 5.7: the password entries of one profile, with site lookup and search. */
export class PasswordCatalog {
  readonly #entries = new Map<string, PasswordEntry>();
  readonly #sites = new Map<string, Site[]>();
  readonly #exactHosts = new Map<string, Set<string>>();
  readonly #wildcardHosts = new Map<string, Set<string>>();
  readonly #searchText = new Map<string, string>();
  #ordered: PasswordEntry[] | null = null;

  /** A catalog holding `entries` (each checked against passwordEntrySchema). */
  constructor(entries: Iterable<PasswordEntry> = []) {
    for (const entry of entries) this.put(entry);
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry with this Identifier, if any. */
  get(identifier: string): PasswordEntry | undefined {
    return this.#entries.get(identifier);
  }

  /** Every entry, in list order (by display name, then user name). */
  list(): readonly PasswordEntry[] {
    if (!this.#ordered) {
      this.#ordered = [...this.#entries.values()].sort(
        (a, b) =>
          collator.compare(entryDisplayName(a), entryDisplayName(b)) ||
          collator.compare(a.Username ?? '', b.Username ?? '') ||
          (a.Identifier < b.Identifier ? -1 : a.Identifier > b.Identifier ? 1 : 0),
      );
    }
    return this.#ordered;
  }

  /**
   * Entries for a visited site (a URL or host), best match first
   * (draft-hallambaker-mesh-reference-03 section 5.7.3): exact host, then deeper wildcards, then
   * shallower ones; among equals the most recently updated.
   */
  findBySite(siteOrUrl: string): SiteMatch[] {
    const query = parseSite(siteOrUrl);
    const candidates = new Set<string>();
    if (query.wildcard) {
      for (const id of this.#wildcardHosts.get(query.host) ?? []) candidates.add(id);
    } else {
      for (const id of this.#exactHosts.get(query.host) ?? []) candidates.add(id);
      for (const parent of wildcardParents(query.host)) {
        for (const id of this.#wildcardHosts.get(parent) ?? []) candidates.add(id);
      }
    }
    const matches: SiteMatch[] = [];
    for (const id of candidates) {
      const entry = this.#entries.get(id);
      const sites = this.#sites.get(id);
      if (!entry || !sites) continue;
      let best: SiteMatch | undefined;
      sites.forEach((site, i) => {
        const rank = siteMatchRank(site, query);
        if (rank !== null && (!best || rank > best.rank)) {
          best = { entry, site: entry.Sites[i] ?? '', rank };
        }
      });
      if (best) matches.push(best);
    }
    return matches.sort(
      (a, b) =>
        b.rank - a.rank ||
        Date.parse(b.entry.Updated) - Date.parse(a.entry.Updated) ||
        (a.entry.Identifier < b.entry.Identifier ? -1 : 1),
    );
  }

  /** Entries that list exactly this site pattern (and this user name, when given). */
  findExact(site: string, username?: string): PasswordEntry[] {
    const pattern = normaliseSite(site);
    return this.list().filter(
      (entry) =>
        entry.Sites.includes(pattern) && (username === undefined || entry.Username === username),
    );
  }

  /**
   * Entries whose title, sites, user name or notes contain every word of `query`, ignoring
   * case, in list order. An empty query lists everything.
   */
  search(query: string, limit = Number.POSITIVE_INFINITY): PasswordEntry[] {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    const out: PasswordEntry[] = [];
    for (const entry of this.list()) {
      const text = this.#searchText.get(entry.Identifier) ?? '';
      if (terms.every((term) => text.includes(term))) {
        out.push(entry);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  /**
   * Adds a new entry made by the context's device; sites are normalised
   * (draft-hallambaker-mesh-reference-03 section 5.7.3).
   */
  add(input: PasswordEntryInput, context: ChangeContext): PasswordEntry {
    checkTotp(input.TOTP);
    const entry = createEntry(cleanContent(input), context);
    if (this.#entries.has(entry.Identifier)) {
      throw new MeshError('ALREADY_EXISTS', 'An entry with this identifier already exists.', {
        field: 'Identifier',
      });
    }
    return this.put(entry);
  }

  /**
   * Edits an entry: the fields given replace the current ones (an empty string clears a
   * field), the previous version goes to History. NOT_FOUND when there is no such entry.
   */
  update(
    identifier: string,
    changes: Partial<PasswordEntryInput>,
    context: ChangeContext,
  ): PasswordEntry {
    const current = this.#require(identifier);
    // A new TOTP secret is checked; one stored before (perhaps bad) is kept as it is.
    if (changes.TOTP !== current.TOTP) checkTotp(changes.TOTP);
    const merged: PasswordEntryInput = { ...contentOf<PasswordEntryContent>(current) };
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) Object.assign(merged, { [key]: value });
    }
    const revised = reviseEntry(current, cleanContent(merged), context);
    return revised === current ? current : this.put(revised);
  }

  /** Removes an entry and returns it; NOT_FOUND when there is no such entry. */
  delete(identifier: string): PasswordEntry {
    const entry = this.#require(identifier);
    this.#unindex(entry);
    this.#entries.delete(identifier);
    this.#ordered = null;
    return entry;
  }

  /**
   * Stores a complete entry as it is (e.g. decrypted from the synced catalog), replacing any
   * entry with the same Identifier. The entry is checked against passwordEntrySchema.
   */
  put(entry: PasswordEntry): PasswordEntry {
    const checked = checkWithSchema(passwordEntrySchema, entry, 'password entry');
    const previous = this.#entries.get(checked.Identifier);
    if (previous) this.#unindex(previous);
    this.#entries.set(checked.Identifier, checked);
    this.#index(checked);
    this.#ordered = null;
    return checked;
  }

  /**
   * Takes in a version of an entry from elsewhere (sync): a new entry is stored; a known one is
   * merged with mergeEntryVersions (newer wins, the other kept in History). Returns the stored
   * entry; when it differs from `incoming`, the core has a merged version to upload.
   */
  mergeIn(incoming: PasswordEntry): PasswordEntry {
    const checked = checkWithSchema(passwordEntrySchema, incoming, 'password entry');
    const current = this.#entries.get(checked.Identifier);
    return this.put(current ? mergeEntryVersions(current, checked) : checked);
  }

  /**
   * Applies the changes an import planned (see planPasswordImport), all or nothing: if any
   * entry it replaces has changed since the plan was made, CONFLICT and nothing is applied.
   */
  applyChanges(changes: readonly PlannedChange[]): PasswordEntry[] {
    for (const change of changes) {
      const current = change.replaces ? this.#entries.get(change.replaces.Identifier) : undefined;
      const stale = change.replaces
        ? current?.Updated !== change.replaces.Updated
        : this.#entries.has(change.entry.Identifier);
      if (stale) {
        throw new MeshError('CONFLICT', 'The catalog changed since the import was planned.', {
          field: 'Identifier',
        });
      }
    }
    const checked = changes.map((change) =>
      checkWithSchema(passwordEntrySchema, change.entry, 'password entry'),
    );
    return checked.map((entry) => this.put(entry));
  }

  #require(identifier: string): PasswordEntry {
    const entry = this.#entries.get(identifier);
    if (!entry) {
      throw new MeshError('NOT_FOUND', 'There is no password entry with this identifier.', {
        field: 'Identifier',
      });
    }
    return entry;
  }

  #index(entry: PasswordEntry): void {
    const sites = entry.Sites.map((site) => parseSite(site));
    this.#sites.set(entry.Identifier, sites);
    for (const site of sites) {
      addTo(site.wildcard ? this.#wildcardHosts : this.#exactHosts, site.host, entry.Identifier);
    }
    this.#searchText.set(entry.Identifier, searchTextOf(entry));
  }

  #unindex(entry: PasswordEntry): void {
    for (const site of this.#sites.get(entry.Identifier) ?? []) {
      removeFrom(
        site.wildcard ? this.#wildcardHosts : this.#exactHosts,
        site.host,
        entry.Identifier,
      );
    }
    this.#sites.delete(entry.Identifier);
    this.#searchText.delete(entry.Identifier);
  }
}
