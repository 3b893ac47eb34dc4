import { stringify } from 'csv-stringify/sync';
import type { PasswordEntry } from '../../../../shared/apps/password-entry';
import { parseSite } from '../site-match';
import { entryDisplayName } from './password-catalog';

/**
 * CSV export of password entries (issue 5 "Export CSV"). The default is Bitwarden's format
 * (shared/REFERENCE.md): it is the one of the five that keeps everything an entry has but its
 * times and history — title, several sites in one row, notes and the TOTP secret — and other
 * managers read it. Wildcard sites are written as `*.example.com`, other sites as
 * `https://host[:port]`, so planPasswordImport reads the file back to the same entries.
 * `chrome` writes Chrome's five columns, one row per site (no TOTP).
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
        '',
        '',
        'login',
        entry.Title ?? '',
        entry.Notes ?? '',
        '',
        '',
        entry.Sites.map(uriForSite).join(','),
        entry.Username ?? '',
        entry.Password ?? '',
        entry.TOTP ?? '',
      ]);
    } else {
      const name = entry.Title ?? entryDisplayName(entry);
      const urls = entry.Sites.length === 0 ? [''] : entry.Sites.map(uriForSite);
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
