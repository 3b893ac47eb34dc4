/**
 * How the password application finds entries fast (draft-hallambaker-mesh-reference-03 section
 * 5.7.3; docs/architecture.md section 3): by site - exact hosts and `*.` wildcards - and by the
 * words of their title, sites, user name and notes, and in list order. It holds no entries: they
 * are the password catalog's (catalog-replica.ts), which updates this index itself as each entry
 * changes (an EntryIndex), so the catalog stays the one in-memory view of the passwords.
 */
import type { PasswordEntry } from '../../../shared/apps/password-entry';
import type { CatalogReplica, EntryIndex } from '../catalog/catalog-replica';
import {
  displaySite,
  entryDisplayName,
  normaliseSite,
  parseSite,
  siteMatchRank,
  wildcardParents,
} from '../catalog/site-match';
import type { Site } from '../catalog/site-match';

/** A site lookup result: the entry, the pattern that matched, and how well. */
export type SiteMatch = { entry: PasswordEntry; site: string; rank: number };

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

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

/** The site and search indexes of one password catalog (module comment). */
export class PasswordIndex implements EntryIndex<PasswordEntry> {
  readonly #catalog: CatalogReplica<PasswordEntry>;
  readonly #sites = new Map<string, Site[]>();
  readonly #exactHosts = new Map<string, Set<string>>();
  readonly #wildcardHosts = new Map<string, Set<string>>();
  readonly #searchText = new Map<string, string>();
  /** The entries in list order, and their search texts in the same order (built on first use). */
  #ordered: { entries: PasswordEntry[]; texts: string[] } | null = null;
  readonly #detach: () => void;

  /** The index of `catalog`, kept current by it until detach(). */
  constructor(catalog: CatalogReplica<PasswordEntry>) {
    this.#catalog = catalog;
    this.#detach = catalog.index(this);
  }

  /** Number of entries. */
  get size(): number {
    return this.#searchText.size;
  }

  /** Every entry, in list order (by display name, then user name). */
  list(): readonly PasswordEntry[] {
    return this.#inOrder().entries;
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
      const entry = this.#catalog.entry(id);
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
    const { entries, texts } = this.#inOrder();
    const out: PasswordEntry[] = [];
    for (let i = 0; i < entries.length && out.length < limit; i++) {
      const text = texts[i]!;
      if (terms.every((term) => text.includes(term))) out.push(entries[i]!);
    }
    return out;
  }

  /** The catalog changed `identifier` (EntryIndex): reindex it. */
  update(identifier: string, before: PasswordEntry | undefined, after: PasswordEntry | undefined) {
    if (before !== undefined) this.#unindex(identifier);
    if (after !== undefined) this.#index(after);
    this.#ordered = null;
  }

  /** Stop following the catalog (the index is not used afterwards). */
  detach(): void {
    this.#detach();
  }

  #inOrder(): { entries: PasswordEntry[]; texts: string[] } {
    if (this.#ordered === null) {
      const entries = this.#catalog
        .entries()
        .sort(
          (a, b) =>
            collator.compare(entryDisplayName(a), entryDisplayName(b)) ||
            collator.compare(a.Username ?? '', b.Username ?? '') ||
            (a.Identifier < b.Identifier ? -1 : a.Identifier > b.Identifier ? 1 : 0),
        );
      const texts = entries.map((entry) => this.#searchText.get(entry.Identifier) ?? '');
      this.#ordered = { entries, texts };
    }
    return this.#ordered;
  }

  #index(entry: PasswordEntry): void {
    const sites = entry.Sites.map((site) => parseSite(site));
    this.#sites.set(entry.Identifier, sites);
    for (const site of sites) {
      addTo(site.wildcard ? this.#wildcardHosts : this.#exactHosts, site.host, entry.Identifier);
    }
    this.#searchText.set(entry.Identifier, searchTextOf(entry));
  }

  #unindex(identifier: string): void {
    for (const site of this.#sites.get(identifier) ?? []) {
      removeFrom(site.wildcard ? this.#wildcardHosts : this.#exactHosts, site.host, identifier);
    }
    this.#sites.delete(identifier);
    this.#searchText.delete(identifier);
  }
}
