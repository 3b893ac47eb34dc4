import { HISTORY_LIMIT } from '../../../shared/apps/entry';
import type { CatalogEntry, EntryMetadata, EntryVersion } from '../../../shared/apps/entry';
import type { z } from 'zod';
import { MeshError } from '../../../shared/errors';

/**
 * The life of one application catalog entry (docs/architecture.md section 3 and section 7 "Sync"):
 * create, revise, and merge two versions of the same entry. Every kind of entry (passwords, mail
 * accounts, network profiles) uses these, so sync conflict resolution and import behave alike:
 * the newer Updated wins and the other version stays in the entry's History.
 *
 * The functions are pure: they never read a clock or a random source except through the
 * ChangeContext the caller gives, and they never mutate their arguments.
 */

/** Who makes a change, and when; the core passes its device UDF, tests pass fixed clocks. */
export type ChangeContext = {
  /** UDF of the device profile making the change (recorded as UpdatedBy). */
  deviceUdf: string;
  /** The clock; `() => new Date()` when absent. */
  now?: () => Date;
  /** Makes the Identifier of a new entry; a random UUID when absent. */
  newIdentifier?: () => string;
};

const metadataKeys = new Set(['Identifier', 'Created', 'Updated', 'UpdatedBy', 'History']);

/** A copy of `value` without keys whose value is undefined (JSON drops them anyway). */
function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = item;
  }
  return out as T;
}

/** The content fields of an entry or version: everything but metadata and History. */
export function contentOf<Content extends object>(
  entry: Content & Partial<EntryMetadata> & { History?: unknown },
): Content {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(entry)) {
    if (!metadataKeys.has(key) && item !== undefined) out[key] = item;
  }
  // The object holds exactly Content's own fields: metadata keys were the only ones removed.
  return out as Content;
}

/**
 * Canonical JSON of any value (object keys sorted, undefined dropped): equal content, equal key.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort();
  return `{${keys
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    )
    .join(',')}}`;
}

/** Key that is equal exactly when two contents are equal. */
export function contentKey<Content extends object>(content: Content): string {
  return canonicalJson(contentOf(content));
}

/** The current version of an entry as a History item. */
export function versionOf<Content extends object>(
  entry: CatalogEntry<Content>,
): EntryVersion<Content> {
  return { ...contentOf<Content>(entry), Updated: entry.Updated, UpdatedBy: entry.UpdatedBy };
}

function millis(timestamp: string): number {
  const value = Date.parse(timestamp);
  if (Number.isNaN(value)) {
    throw new MeshError('INVALID_ARGUMENT', 'An entry time is not an RFC 3339 time instant.', {
      field: 'Updated',
    });
  }
  return value;
}

/**
 * Total order on versions: later Updated first, then UpdatedBy, then content, so that two
 * devices resolving the same conflict pick the same winner. Positive when `a` is newer.
 */
export function compareVersions<Content extends object>(
  a: EntryVersion<Content>,
  b: EntryVersion<Content>,
): number {
  const byTime = millis(a.Updated) - millis(b.Updated);
  if (byTime !== 0) return byTime;
  if (a.UpdatedBy !== b.UpdatedBy) return a.UpdatedBy < b.UpdatedBy ? -1 : 1;
  const ka = contentKey(a);
  const kb = contentKey(b);
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

/**
 * Identity of one version: when, by whom, what. Two versions with the same identity are the same
 * version (History keeps one of them; a sync does not queue it again).
 */
export function versionIdentity(version: EntryVersion<object>): string {
  return `${version.Updated}\u0000${version.UpdatedBy}\u0000${contentKey(version)}`;
}

/**
 * History as a set: duplicates removed, the current version excluded, newest first, at most
 * HISTORY_LIMIT. Taking the newest N of a union gives the same result whatever the order in
 * which versions arrive, which is what makes merging commutative and associative.
 */
export function normaliseHistory<Content extends object>(
  versions: Iterable<EntryVersion<Content>>,
  current: EntryVersion<Content>,
): EntryVersion<Content>[] {
  const currentId = versionIdentity(current);
  const seen = new Map<string, EntryVersion<Content>>();
  for (const version of versions) {
    const id = versionIdentity(version);
    if (id !== currentId && !seen.has(id)) seen.set(id, withoutUndefined(version));
  }
  return [...seen.values()].sort((a, b) => compareVersions(b, a)).slice(0, HISTORY_LIMIT);
}

function timeOf(context: ChangeContext): Date {
  return context.now ? context.now() : new Date();
}

/** A new catalog entry holding `content`, made now by the context's device. */
export function createEntry<Content extends object>(
  content: Content,
  context: ChangeContext,
): CatalogEntry<Content> {
  const now = timeOf(context).toISOString();
  const identifier = context.newIdentifier ? context.newIdentifier() : crypto.randomUUID();
  return {
    ...contentOf<Content>(content),
    Identifier: identifier,
    Created: now,
    Updated: now,
    UpdatedBy: context.deviceUdf,
    History: [],
  };
}

/**
 * A later time than `previous`: the clock when it is ahead, else one millisecond after, so an
 * edit made on a device whose clock lags still supersedes the version it edits.
 */
export function laterThan(previous: string, candidate: Date): string {
  const after = millis(previous) + 1;
  return new Date(Math.max(after, candidate.getTime())).toISOString();
}

/**
 * Builds a new version of `entry` with `content`, Updated at `updated` by `deviceUdf`, keeping
 * the superseded version (when `keepPrevious`) and `extraVersions` in History.
 */
export function supersedeEntry<Content extends object>(
  entry: CatalogEntry<Content>,
  content: Content,
  change: {
    updated: string;
    deviceUdf: string;
    keepPrevious: boolean;
    extraVersions?: EntryVersion<Content>[];
    created?: string;
  },
): CatalogEntry<Content> {
  const next = {
    ...contentOf<Content>(content),
    Identifier: entry.Identifier,
    Created: change.created ?? entry.Created,
    Updated: change.updated,
    UpdatedBy: change.deviceUdf,
  };
  const versions = [
    ...(change.keepPrevious ? [versionOf(entry)] : []),
    ...(change.extraVersions ?? []),
    ...entry.History,
  ];
  const current = { ...contentOf<Content>(next), Updated: next.Updated, UpdatedBy: next.UpdatedBy };
  return { ...next, History: normaliseHistory(versions, current) };
}

/**
 * An edit of `entry` by this device (docs/architecture.md section 7): the content replaces the
 * current one, which moves to History. An edit that changes nothing returns `entry` itself.
 */
export function reviseEntry<Content extends object>(
  entry: CatalogEntry<Content>,
  content: Content,
  context: ChangeContext,
): CatalogEntry<Content> {
  if (contentKey(content) === contentKey(entry)) return entry;
  return supersedeEntry(entry, content, {
    updated: laterThan(entry.Updated, timeOf(context)),
    deviceUdf: context.deviceUdf,
    keepPrevious: true,
  });
}

/**
 * Resolves two versions of one entry, e.g. edited on two devices before they synced
 * (docs/architecture.md section 7 "Sync"): the newer Updated wins, the other version and both
 * histories are kept in History. Commutative, associative and idempotent, so every device converges
 * on the same entry whatever order versions arrive in.
 */
export function mergeEntryVersions<Content extends object>(
  a: CatalogEntry<Content>,
  b: CatalogEntry<Content>,
): CatalogEntry<Content> {
  if (a.Identifier !== b.Identifier) {
    throw new MeshError('INVALID_ARGUMENT', 'Only versions of the same entry can be merged.', {
      field: 'Identifier',
    });
  }
  const [winner, loser] = compareVersions(versionOf(a), versionOf(b)) >= 0 ? [a, b] : [b, a];
  const created = millis(a.Created) <= millis(b.Created) ? a.Created : b.Created;
  const current = versionOf(winner);
  return {
    ...contentOf<Content>(winner),
    Identifier: winner.Identifier,
    Created: created,
    Updated: winner.Updated,
    UpdatedBy: winner.UpdatedBy,
    History: normaliseHistory([...winner.History, ...loser.History, versionOf(loser)], current),
  };
}

/**
 * Checks `value` against an entry schema from shared/apps and returns the parsed value; a
 * failure is a MeshError INVALID_ARGUMENT naming the first bad field (never its value, which
 * may be a secret).
 */
export function checkWithSchema<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  throw new MeshError(
    'INVALID_ARGUMENT',
    `The ${what} is not valid${field ? ` (${field}: ${issue?.message ?? 'invalid'})` : ''}.`,
    { field },
  );
}
