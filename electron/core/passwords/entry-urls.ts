import type { PasswordEntry } from '../../../shared/apps/password-entry';
import { normaliseSite, parseSite } from '../catalog/site-match';

/**
 * The URLs of a password entry (its `URLs` field): kept as the user or an import gave them,
 * whole, while `Sites` holds their hosts for matching (draft-hallambaker-mesh-reference-03 section
 * 5.7.3). Only URLs an export could not rebuild from the site are stored; an export writes the
 * stored ones back as they were.
 */

/** The URI written for a stored site pattern. */
export function uriForSite(pattern: string): string {
  const site = parseSite(pattern);
  if (site.wildcard) return pattern;
  return `https://${site.host}${site.port === undefined ? '' : `:${site.port}`}/`;
}

/** The site a URL is for, or undefined for an app URI or text that is no host. */
export function siteOfUrl(url: string): string | undefined {
  try {
    return normaliseSite(url);
  } catch {
    return undefined;
  }
}

/**
 * The URLs worth storing of those given: all but the ones an export writes the same way for
 * their site anyway (`https://host/`, `*.host`), so that an entry without URLs and one with
 * only such URLs are the same content, and export → import changes nothing.
 */
export function urlsToKeep(urls: readonly string[]): string[] {
  const kept: string[] = [];
  for (const raw of urls) {
    const url = raw.trim();
    if (url === '' || kept.includes(url)) continue;
    const site = siteOfUrl(url);
    if (site !== undefined && uriForSite(site) === url) continue;
    kept.push(url);
  }
  return kept;
}

/**
 * The URLs to write for an entry, in the order of its sites: the stored URLs of each site (the
 * originals, whole) or `uriForSite` of a site without one; then the stored URIs that are no
 * site (app URIs). A stored URL whose site the entry no longer lists is left out.
 */
export function urlsOfEntry(entry: PasswordEntry): string[] {
  const stored = (entry.URLs ?? []).map((url) => ({ url, site: siteOfUrl(url) }));
  const urls: string[] = [];
  for (const site of entry.Sites) {
    const own = stored.filter((item) => item.site === site).map((item) => item.url);
    urls.push(...(own.length > 0 ? own : [uriForSite(site)]));
  }
  for (const item of stored) if (item.site === undefined) urls.push(item.url);
  return urls;
}
