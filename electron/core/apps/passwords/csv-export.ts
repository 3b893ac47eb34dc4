import { stringify } from 'csv-stringify/sync';
import type { PasswordEntry } from '../../../../shared/apps/password-entry';
import { normaliseSite, parseSite } from '../site-match';
import { entryDisplayName } from './password-catalog';

/**
 * CSV export of password entries (issue 5 "Export CSV"). The default is Bitwarden's format
 * (shared/REFERENCE.md): it is the one of the five that keeps everything an entry has but its
 * times and history — kind (login or note), folder, favourite, title, notes, custom fields,
 * several URLs in one row and the TOTP secret — and other managers read it. Each URL is written
 * as stored (the original, whole); a site with no stored URL as `*.example.com` or
 * `https://host[:port]/`, so planPasswordImport reads the file back to the same entries.
 * `chrome` writes Chrome's five columns, one row per URL (no TOTP, folder or fields).
 */

export type PasswordCsvExportFormat = 'bitwarden' | 'chrome';

const bitwardenColumns = [
  'folder',
  'favorite',
  'type',
  'name',
  'notes',
  'fields',
  'reprompt',
  'login_uri',
  'login_username',
  'login_password',
  'login_totp',
];
const chromeColumns = ['name', 'url', 'username', 'password', 'note'];

/** The URI written for a stored site pattern. */
export function uriForSite(pattern: string): string {
  const site = parseSite(pattern);
  if (site.wildcard) return pattern;
  return `https://${site.host}${site.port === undefined ? '' : `:${site.port}`}/`;
}

/** The site a URL is for, or undefined for an app URI or text that is no host. */
function siteOfUrl(url: string): string | undefined {
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

/**
 * Writes entries as a CSV export (issue 5 "Export CSV"), Bitwarden's format unless told
 * otherwise. The text holds the passwords in the clear: the caller decides where it goes.
 */
export function exportPasswordsCsv(
  entries: Iterable<PasswordEntry>,
  options: { format?: PasswordCsvExportFormat } = {},
): string {
  const format = options.format ?? 'bitwarden';
  const rows: string[][] = [];
  for (const entry of entries) {
    if (format === 'bitwarden') {
      rows.push([
        entry.Folder ?? '',
        entry.Favorite === true ? '1' : '',
        entry.Kind ?? 'login',
        entry.Title ?? '',
        entry.Notes ?? '',
        (entry.Fields ?? []).map((field) => `${field.Name}: ${field.Value}`).join('\n'),
        '0',
        urlsOfEntry(entry).join(','),
        entry.Username ?? '',
        entry.Password ?? '',
        entry.TOTP ?? '',
      ]);
    } else {
      const name = entry.Title ?? entryDisplayName(entry);
      // One row per site's URL; app URIs only when there is no site (a Chrome row is a site).
      const all = urlsOfEntry(entry);
      const web = all.filter((url) => siteOfUrl(url) !== undefined);
      const urls = web.length > 0 ? web : all.length > 0 ? all.slice(0, 1) : [''];
      for (const url of urls) {
        rows.push([name, url, entry.Username ?? '', entry.Password ?? '', entry.Notes ?? '']);
      }
    }
  }
  return stringify(rows, {
    header: true,
    columns: format === 'bitwarden' ? bitwardenColumns : chromeColumns,
    record_delimiter: 'unix',
  });
}
