/**
 * Search as you type over the password list (docs/architecture.md section 8): every word of the
 * query must appear, in any case, in the entry's title, username or site. Each entry's lower-cased
 * text is computed once per list, so a keystroke over 10,000 entries is a plain scan
 * (bench/sections/ renderer.ts measures it in Chromium against the same function in Node).
 */

/** What the list shows of a password entry: never the password itself. */
export interface PasswordRow {
  readonly id: string;
  readonly title: string;
  readonly username: string;
  readonly site: string;
  /** The folder path (`/` between levels); absent or empty: in no folder. */
  readonly folder?: string;
  readonly favorite?: boolean;
}

/** Which rows the list shows besides the search: one folder (and its subfolders), favourites. */
export interface PasswordScope {
  /** null: every folder; '': entries in no folder; else this folder and those below it. */
  readonly folder: string | null;
  readonly favoritesOnly: boolean;
}

export const everyPassword: PasswordScope = { folder: null, favoritesOnly: false };

/** The rows in `scope`, in their order (the rows themselves when the scope is everything). */
export function scopePasswordRows(
  rows: readonly PasswordRow[],
  scope: PasswordScope,
): readonly PasswordRow[] {
  if (scope.folder === null && !scope.favoritesOnly) return rows;
  return rows.filter((row) => {
    if (scope.favoritesOnly && row.favorite !== true) return false;
    if (scope.folder === null) return true;
    const folder = row.folder ?? '';
    if (scope.folder === '') return folder === '';
    return folder === scope.folder || folder.startsWith(`${scope.folder}/`);
  });
}

/** The folders of the rows, each path once, sorted. */
export function foldersOf(rows: readonly PasswordRow[]): string[] {
  const folders = new Set<string>();
  for (const row of rows) if (row.folder) folders.add(row.folder);
  return [...folders].sort((a, b) => a.localeCompare(b));
}

const haystacks = new WeakMap<readonly PasswordRow[], readonly string[]>();

function haystackOf(rows: readonly PasswordRow[]): readonly string[] {
  let found = haystacks.get(rows);
  if (found === undefined) {
    found = rows.map((row) => `${row.title}\n${row.username}\n${row.site}`.toLowerCase());
    haystacks.set(rows, found);
  }
  return found;
}

/** The rows matching `query` (all of them for an empty query), in their order. */
export function filterPasswordRows(
  rows: readonly PasswordRow[],
  query: string,
): readonly PasswordRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  const texts = haystackOf(rows);
  const matches: PasswordRow[] = [];
  for (let index = 0; index < rows.length; index += 1) {
    const text = texts[index] as string;
    if (words.every((word) => text.includes(word))) matches.push(rows[index] as PasswordRow);
  }
  return matches;
}
