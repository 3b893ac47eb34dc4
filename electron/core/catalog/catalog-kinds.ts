/**
 * The kinds of application profile the Mesh keeps (draft-hallambaker-mesh-reference-03 section
 * 5.5-5.9; docs/architecture.md section 3): one application profile per kind, listed in the
 * personal profile by an ApplicationProfileEntry whose Type is the kind's name, its data a catalog
 * of entries of the kind's schema.
 */
import { z } from 'zod';
import { mailAccountEntrySchema } from '../../../shared/apps/mail-profile';
import { networkProfileEntrySchema } from '../../../shared/apps/network-profile';
import {
  passwordEntrySchema,
  passwordProfilePrivateSchema,
} from '../../../shared/apps/password-entry';
import { settingsStampShape } from './catalog-record';

/** The application types, as ApplicationProfileEntry.Type spells them. */
export const CATALOG_TYPES = ['password', 'mail', 'network'] as const;
export type CatalogType = (typeof CATALOG_TYPES)[number];

/** What the catalog layer knows of one kind. */
export interface CatalogKind<Schema extends z.ZodType = z.ZodType> {
  readonly type: CatalogType;
  /** ApplicationProfileEntry.Friendly of a new application profile. */
  readonly friendly: string;
  /** The names of its containers start with this (then a random generation suffix). */
  readonly containerPrefix: string;
  /** The schema of one entry (content, metadata, history). */
  readonly schema: Schema;
  /** What one entry is called in messages ("password entry"). */
  readonly noun: string;
  /** The schema of the application's settings record, when it has settings. */
  readonly settingsSchema?: z.ZodType;
}

/**
 * PasswordProfilePrivate's settings (draft-hallambaker-mesh-reference-03 section 5.7.2:
 * AutoGenerate, NeverAsk) as a record.
 */
const passwordSettingsSchema = z.strictObject({
  ...settingsStampShape,
  AutoGenerate: passwordProfilePrivateSchema.shape.AutoGenerate,
  NeverAsk: passwordProfilePrivateSchema.shape.NeverAsk,
});

/** Every kind, by type. */
export const CATALOG_KINDS = {
  password: {
    type: 'password',
    friendly: 'Passwords',
    containerPrefix: 'mmm_Password_',
    schema: passwordEntrySchema,
    noun: 'password entry',
    settingsSchema: passwordSettingsSchema,
  },
  mail: {
    type: 'mail',
    friendly: 'Mail accounts',
    containerPrefix: 'mmm_Mail_',
    schema: mailAccountEntrySchema,
    noun: 'mail account',
  },
  network: {
    type: 'network',
    friendly: 'Network settings',
    containerPrefix: 'mmm_Network_',
    schema: networkProfileEntrySchema,
    noun: 'network profile',
  },
} as const satisfies Record<CatalogType, CatalogKind>;

/** The type of one entry of an application type, as its kind's schema reads it. */
export type EntryOf<T extends CatalogType> = z.output<(typeof CATALOG_KINDS)[T]['schema']>;

/** The catalog type a container name belongs to, or undefined for other containers (spools). */
export function typeOfContainer(container: string): CatalogType | undefined {
  return CATALOG_TYPES.find((type) => container.startsWith(CATALOG_KINDS[type].containerPrefix));
}
