import { passwordProfilePrivateSchema } from '../../../shared/apps/password-entry';
import type { PasswordProfilePrivate } from '../../../shared/apps/password-entry';
import { checkWithSchema } from '../catalog/entry-model';
import { normaliseSite, parseSite, siteMatchRank } from '../catalog/site-match';

/**
 * The settings of the password application (draft-hallambaker-mesh-reference-03 section 5.7.2
 * PasswordProfilePrivate): the NeverAsk list and AutoGenerate. The functions return new objects and
 * never mutate.
 */

/** Settings as stored (Entries travel separately in the catalog). */
export type PasswordSettings = Omit<PasswordProfilePrivate, 'Entries'>;

/** Settings from stored data, checked; absent data gives the defaults. */
export function readPasswordSettings(value: unknown = {}): PasswordSettings {
  const { AutoGenerate, NeverAsk } = checkWithSchema(
    passwordProfilePrivateSchema,
    value,
    'password settings',
  );
  return AutoGenerate === undefined ? { NeverAsk } : { AutoGenerate, NeverAsk };
}

/** Adds a site (URL, host or `*.` pattern) to NeverAsk; already present changes nothing. */
export function addNeverAsk(settings: PasswordSettings, site: string): PasswordSettings {
  const pattern = normaliseSite(site);
  if (settings.NeverAsk.includes(pattern)) return settings;
  return { ...settings, NeverAsk: [...settings.NeverAsk, pattern] };
}

/** Removes a site pattern from NeverAsk. */
export function removeNeverAsk(settings: PasswordSettings, site: string): PasswordSettings {
  const pattern = normaliseSite(site);
  return { ...settings, NeverAsk: settings.NeverAsk.filter((item) => item !== pattern) };
}

/**
 * Whether a client may offer to store a password for this visited site
 * (draft-hallambaker-mesh-reference-03 section 5.7.2: clients MUST NOT ask for NeverAsk sites).
 * NeverAsk patterns match as entry sites do.
 */
export function mayAskToStore(settings: PasswordSettings, siteOrUrl: string): boolean {
  const query = parseSite(siteOrUrl);
  return !settings.NeverAsk.some((pattern) => siteMatchRank(parseSite(pattern), query) !== null);
}

/** Seed 001 5.7.2 AutoGenerate: whether to offer generated passwords (default false). */
export function mayOfferGenerated(settings: PasswordSettings): boolean {
  return settings.AutoGenerate === true;
}

/** Settings with AutoGenerate set. */
export function setAutoGenerate(settings: PasswordSettings, value: boolean): PasswordSettings {
  return { ...settings, AutoGenerate: value };
}
