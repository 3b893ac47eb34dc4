/**
 * The application profiles of an account, as an administrator device keeps them
 * (docs/architecture.md sections 3 and 7; draft-hallambaker-mesh-reference-03 section 5.5.4): one
 * per catalog type, each key wrapped for every device of the personal profile (and the master
 * escrow key). What an administrator checks and fixes:   - missing: the personal profile has no
 * application of that type - create one (new key, new     container);
 *   - share: a device (or the escrow key) cannot unwrap the key yet - wrap it once more
 *     (docs/architecture.md: "adding a device wraps the key once more");
 *   - rotate: the key is wrapped for a device no longer in the profile - only a new key keeps it
 *     out of new entries (electron/core/catalog/sync/rotate-application-keys.ts).
 */
import type { ApplicationProfileEntry } from '../../../shared/profiles/application-entry';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import { udfOfPublicKey } from '../../../shared/crypto/public-key';
import { randomNonce, udfMatches } from '../../../shared/udf';
import type { DeviceContext } from '../session/device-context';
import { updatePersonalProfile } from '../profile/update-personal-profile';
import { findCatalogApplication, listsDevice, type CatalogApplication } from './application-entry';
import { newCatalogKey, wrapCatalogKey, type CatalogKey } from './application-key';
import { catalogKeyFor, keyRecipients } from './catalog-keys';
import { CATALOG_KINDS, CATALOG_TYPES, type CatalogType } from './catalog-kinds';
import { catalogsOf } from './catalog-set';

/** What an application of one type needs (module comment). */
export type ApplicationNeed = 'missing' | 'share' | 'rotate' | 'current';

/** The need of each catalog type in `profile`. */
export function applicationNeeds(
  profile: VerifiedPersonalProfile,
): Record<CatalogType, ApplicationNeed> {
  const recipients = keyRecipients(profile);
  const expected = recipients.keys.map((key) => udfOfPublicKey(key));
  const needs = {} as Record<CatalogType, ApplicationNeed>;
  for (const type of CATALOG_TYPES) {
    const application = findCatalogApplication(profile, type);
    if (application === undefined) {
      needs[type] = 'missing';
      continue;
    }
    const kids = application.EncryptedKey.recipients.map((recipient) => recipient.header?.kid);
    const stranger = kids.some(
      (kid) => kid === undefined || !expected.some((udf) => sameUdf(udf, kid)),
    );
    const listed = [...application.DecryptID, ...application.SignID];
    const removed = listed.some((udf) => !listsDevice(recipients.devices, udf));
    if (stranger || removed) {
      needs[type] = 'rotate';
      continue;
    }
    const lacking =
      expected.some((udf) => !kids.some((kid) => kid !== undefined && sameUdf(udf, kid))) ||
      recipients.devices.some(
        (udf) => !listsDevice(application.DecryptID, udf) || !listsDevice(application.SignID, udf),
      );
    needs[type] = lacking ? 'share' : 'current';
  }
  return needs;
}

/** The ApplicationProfileEntry for `key`, wrapped for every device of `profile`. */
export async function applicationEntryFor(
  key: CatalogKey,
  profile: VerifiedPersonalProfile,
  base?: CatalogApplication,
): Promise<CatalogApplication> {
  const recipients = keyRecipients(profile);
  return {
    ...base,
    Identifier: key.application,
    Type: key.type,
    Friendly: base?.Friendly ?? CATALOG_KINDS[key.type].friendly,
    SignID: recipients.devices,
    DecryptID: recipients.devices,
    Container: key.container,
    KeyID: key.keyId,
    EncryptedKey: await wrapCatalogKey(key, recipients.keys),
  };
}

/** The profile's Applications with the entry of `type` replaced by (or added as) `entry`. */
export function withApplication(
  applications: readonly ApplicationProfileEntry[],
  entry: CatalogApplication,
): ApplicationProfileEntry[] {
  const out = applications.filter((item) => item.Type !== entry.Type);
  const at = applications.findIndex((item) => item.Type === entry.Type);
  out.splice(at < 0 ? out.length : at, 0, entry);
  return out;
}

/** What shareApplications did. */
export interface SharedApplications {
  readonly profile: VerifiedPersonalProfile;
  readonly created: CatalogType[];
  readonly shared: CatalogType[];
  /** Types whose key must be rotated (rotateApplicationKeys), left as they are here. */
  readonly rotate: CatalogType[];
}

/**
 * On an administrator device: create the missing application profiles and wrap every key for
 * every device of the profile, in one new personal profile version (none when nothing is
 * needed). Keys to rotate are reported, not touched. UNAUTHORIZED on other devices.
 */
export async function shareApplications(
  context: DeviceContext,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<SharedApplications> {
  const created: CatalogKey[] = [];
  const shared: CatalogType[] = [];
  const rotate: CatalogType[] = [];
  const { profile, changed } = await updatePersonalProfile(
    context,
    async (current) => {
      created.length = 0;
      shared.length = 0;
      rotate.length = 0;
      const needs = applicationNeeds(current);
      let applications = [...current.profile.Applications];
      for (const type of CATALOG_TYPES) {
        const need = needs[type];
        if (need === 'rotate') rotate.push(type);
        if (need === 'missing') {
          const key = newCatalogKey(type, randomNonce());
          created.push(key);
          applications = withApplication(applications, await applicationEntryFor(key, current));
        } else if (need === 'share') {
          const application = findCatalogApplication(current, type)!;
          const key = await catalogKeyFor(context, application);
          shared.push(type);
          applications = withApplication(
            applications,
            await applicationEntryFor(key, current, application),
          );
        }
      }
      if (created.length === 0 && shared.length === 0) return undefined;
      return {
        SignedMasterProfile: current.profile.SignedMasterProfile,
        Devices: current.profile.Devices,
        Applications: applications,
      };
    },
    options,
  );
  if (changed) {
    const catalogs = catalogsOf(context);
    for (const key of created) await catalogs.adopt(key);
    await catalogs.applyProfile(profile);
  }
  return { profile, created: created.map((key) => key.type), shared, rotate };
}

function sameUdf(a: string, b: string): boolean {
  try {
    return udfMatches(a, b);
  } catch {
    return false;
  }
}
