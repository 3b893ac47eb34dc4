import { z } from 'zod';
import { catalogEntrySchema } from './entry';

/**
 * Password application profile objects (draft-hallambaker-mesh-reference-03 section 5.7), with the
 * additions docs/architecture.md section 3 asks for: Title, Notes, a TOTP secret, times, the device
 * that made the change, and history.
 */

/**
 * A site pattern as stored: a lower-case ASCII host name (IDN in punycode), optionally `*.`
 * in front (any subdomain, not the name itself) and `:port` after (only that port). Electron
 * core's normaliseSite() produces this form from whatever the user or an import gives.
 */
export const sitePatternSchema = z
  .string()
  .min(1)
  .max(300)
  .regex(
    /^(?:\*\.)?(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/,
    'a site is a lower-case ASCII host name, optionally *. before and :port after',
  );

/**
 * The content of a PasswordEntry (draft-hallambaker-mesh-reference-03 section 5.7.3 plus Title,
 * Notes and TOTP, and what imports bring: the kind, original URLs, folder, favourite and custom
 * fields). Every addition is optional, so entries stored and synced before read as they did.
 */
export const passwordEntryContentShape = {
  /** What the user calls the entry (an export's "name" or "Title"). */
  Title: z.string().max(1000).optional(),
  /** Sites the credential is for; `*.example.com` matches www.example.com etc. */
  Sites: z.array(sitePatternSchema).max(100),
  /** Case-sensitive user name. */
  Username: z.string().max(1000).optional(),
  /** Case-sensitive password. */
  Password: z.string().max(10_000).optional(),
  Notes: z.string().max(100_000).optional(),
  /** A base32 TOTP secret, an otpauth://totp/ URI (RFC 6238) or a steam:// Steam Guard secret. */
  TOTP: z.string().max(2000).optional(),
  /**
   * What the entry is: a login (the default when absent, as in every entry stored before this
   * field) or a secure note (an export's note item: Title and Notes, perhaps custom fields).
   */
  Kind: z.enum(['login', 'note']).optional(),
  /**
   * The URLs (or app URIs) as the user or an import gave them: scheme, host, port and path kept
   * whole, so that an export writes them back unchanged. Sites holds their hosts for matching.
   * Absent in entries stored before this field: an export then writes one URL per site.
   */
  URLs: z.array(z.string().min(1).max(2000)).max(100).optional(),
  /**
   * A folder or group path, `/` between levels (Bitwarden folder, KeePassXC group, LastPass
   * grouping).
   */
  Folder: z.string().max(1000).optional(),
  /** Marked as a favourite. */
  Favorite: z.boolean().optional(),
  /**
   * Custom fields (an export's name: value pairs), in order. Hidden: a secret the desktop shows
   * only when asked, as it does a password (absent in fields stored before it: shown).
   */
  Fields: z
    .array(
      z.strictObject({
        Name: z.string().max(1000),
        Value: z.string().max(10_000),
        Hidden: z.boolean().optional(),
      }),
    )
    .max(100)
    .optional(),
} as const;

/** One password entry of the catalog, as synced: content, metadata, history. */
export const passwordEntrySchema = catalogEntrySchema(passwordEntryContentShape);
export type PasswordEntry = z.infer<typeof passwordEntrySchema>;

/** The fields a user edits; everything else is kept by the entry model. */
export const passwordEntryContentSchema = z.strictObject(passwordEntryContentShape);
export type PasswordEntryContent = z.infer<typeof passwordEntryContentSchema>;

/**
 * PasswordProfilePrivate (draft-hallambaker-mesh-reference-03 section 5.7.2): the user's settings
 * for the password application, and (in the whole-profile form, e.g. a backup) its entries. In the
 * synced catalog each entry is stored on its own, so Entries is optional here.
 */
export const passwordProfilePrivateSchema = z.strictObject({
  /** A client MAY offer to generate strong passwords when true. */
  AutoGenerate: z.boolean().optional(),
  /** Sites (same patterns as Sites) for which clients MUST NOT ask to store passwords. */
  NeverAsk: z.array(sitePatternSchema).max(10_000).default([]),
  Entries: z.array(passwordEntrySchema).optional(),
});
export type PasswordProfilePrivate = z.infer<typeof passwordProfilePrivateSchema>;
