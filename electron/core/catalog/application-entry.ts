/**
 * The ApplicationProfileEntry of a catalog application (draft-hallambaker-mesh-reference-03 section
 * 5.5.4; docs/architecture.md section 3) as the catalog layer writes it into the personal profile:
 * Identifier, Type, Friendly, SignID[] and DecryptID[] (the devices that may write and read its
 * entries), and three fields of our own - the container holding its entries, the identifier of the
 * application key they are encrypted under, and that key wrapped (JWE) for every device in
 * DecryptID. The entry travels inside the signed personal profile, so a device trusts the wrapped
 * key only because an administrator signed it: the service cannot slip in a key of its own.
 */
import { z } from 'zod';
import { generalJweSchema } from '../../../shared/crypto/jwe-schema';
import { MeshError } from '../../../shared/errors';
import type { ApplicationProfileEntry } from '../../../shared/profiles/application-entry';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import { containerNameSchema } from '../../../shared/protocol/common';
import { udfMatches } from '../../../shared/udf';
import { CATALOG_TYPES, type CatalogType } from './catalog-kinds';

/** The ApplicationProfileEntry of a catalog application, with the catalog layer's fields. */
export const catalogApplicationSchema = z.looseObject({
  Identifier: z.string().min(1).max(256),
  Type: z.enum(CATALOG_TYPES),
  Friendly: z.string().max(256).optional(),
  /** Devices that may write entries (draft-hallambaker-mesh-reference-03 section 5.5.4). */
  SignID: z.array(z.string().max(256)).max(256),
  /**
   * Devices the application key is wrapped for (draft-hallambaker-mesh-reference-03 section 5.5.4).
   */
  DecryptID: z.array(z.string().max(256)).max(256),
  /** The account container holding the entries under the current key. */
  Container: containerNameSchema,
  /** Fingerprint of the current application key (application-key.ts). */
  KeyID: z.string().min(1).max(256),
  /** The application key, encrypted to the DeviceEncryptionKey of each DecryptID device. */
  EncryptedKey: generalJweSchema,
});
export type CatalogApplication = z.infer<typeof catalogApplicationSchema>;

/**
 * The catalog application of `type` in a verified personal profile, or undefined when the
 * profile has none. An entry of that type that is not in the catalog layer's form is
 * UNTRUSTED_PROFILE: it cannot be used, and it must not be silently replaced.
 */
export function findCatalogApplication(
  profile: VerifiedPersonalProfile,
  type: CatalogType,
): CatalogApplication | undefined {
  const entries = profile.profile.Applications.filter((entry) => entry.Type === type);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) {
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      `the personal profile lists ${entries.length} ${type} applications`,
      { field: 'Applications', type },
    );
  }
  return parseCatalogApplication(entries[0]!);
}

/** An ApplicationProfileEntry checked as a catalog application; UNTRUSTED_PROFILE otherwise. */
export function parseCatalogApplication(entry: ApplicationProfileEntry): CatalogApplication {
  const parsed = catalogApplicationSchema.safeParse(entry);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.map(String).join('.') ?? '';
    throw new MeshError(
      'UNTRUSTED_PROFILE',
      `the ${entry.Type} application of the personal profile is malformed (${field})`,
      { field: `Applications.${field}`, type: entry.Type },
    );
  }
  return parsed.data;
}

/** True when `udf` names a device listed in `list` (UDFs at any precision). */
export function listsDevice(list: readonly string[], udf: string): boolean {
  return list.some((item) => {
    try {
      return udfMatches(item, udf);
    } catch {
      return false;
    }
  });
}
