import { stringify } from 'csv-stringify/sync';
import type { PasswordEntry } from '../../../shared/apps/password-entry';
import { siteOfUrl, urlsOfEntry } from './entry-urls';
import { entryDisplayName } from '../catalog/site-match';
import { BITWARDEN_COLUMNS, CHROME_COLUMNS } from './csv-formats';

export { uriForSite, urlsOfEntry, urlsToKeep } from './entry-urls';

/**
 * CSV export of password entries (docs/architecture.md section 12). The default is Bitwarden's
 * format (docs/architecture.md section 13): it is the one of the five that keeps everything an
 * entry has but its times and history — kind (login or note), folder, favourite, title, notes,
 * custom fields, several URLs in one row and the TOTP secret — and other managers read it. Each URL
 * is written as stored (the original, whole); a site with no stored URL as `*.example.com` or
 * `https://host[:port]/`, so planPasswordImport reads the file back to the same entries.
 * `chrome` writes Chrome's five columns, one row per URL (no TOTP, folder or fields).
 */

export type PasswordCsvExportFormat = 'bitwarden' | 'chrome';

/**
 * Writes entries as a CSV export (docs/architecture.md section 12), Bitwarden's format unless told
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
    columns: format === 'bitwarden' ? BITWARDEN_COLUMNS : CHROME_COLUMNS,
    record_delimiter: 'unix',
  });
}
