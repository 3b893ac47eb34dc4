/**
 * `passwords`: the password catalog (draft-hallambaker-mesh-schema §5.7) in the user's words.
 * `list` and `get` never carry a password or a TOTP secret; `reveal` gives the password of one
 * entry, `totp` its current code (docs/core-api.md). Dispatched to `MeshDevice.passwords`.
 */
import { z } from 'zod';
import { method, noRequest, textSchema, timeSchema, udfSchema } from '../method';

const id = z.string().min(1).max(256);

/** One entry without its secrets. */
export const passwordSummarySchema = z.strictObject({
  id,
  title: z.string(),
  sites: z.array(z.string()),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
  hasTotp: z.boolean(),
  created: timeSchema,
  updated: timeSchema,
  /** UDF of the device that made the current version. */
  updatedBy: udfSchema,
  /** The folder path, `/` between levels; null outside any folder. */
  folder: z.string().nullable(),
  favorite: z.boolean(),
});
export type PasswordSummary = z.infer<typeof passwordSummarySchema>;

/** One earlier version, without its password: `passwordChanged` says whether it differed. */
export const passwordVersionSchema = z.strictObject({
  title: z.string(),
  sites: z.array(z.string()),
  username: z.string().nullable(),
  notes: z.string().nullable(),
  passwordChanged: z.boolean(),
  updated: timeSchema,
  updatedBy: udfSchema,
});

/** A custom field as shown: a hidden one without its value (`passwords.revealField`). */
export const passwordFieldViewSchema = z.strictObject({
  name: z.string(),
  value: z.string().nullable(),
  hidden: z.boolean(),
});

export const passwordDetailSchema = passwordSummarySchema.extend({
  notes: z.string().nullable(),
  /** Custom fields in order; a hidden one's value is null here. */
  fields: z.array(passwordFieldViewSchema),
  /** Earlier versions, newest first. */
  history: z.array(passwordVersionSchema),
});

/** What a person gives for an entry; sites may be URLs, hosts or `*.` patterns. */
const entryInput = {
  title: z.string().max(1000).optional(),
  sites: z.array(z.string().min(1).max(2000)).max(100),
  username: z.string().max(1000).optional(),
  password: z.string().max(10_000).optional(),
  notes: z.string().max(100_000).optional(),
  /** A base32 TOTP secret or an otpauth://totp/ URI (RFC 6238). */
  totp: z.string().max(2000).optional(),
  /** A folder path, `/` between levels; an empty string: in no folder. */
  folder: z.string().max(1000).optional(),
  favorite: z.boolean().optional(),
  /** Custom fields, in order (all of them: they replace the current ones). */
  fields: z
    .array(
      z.strictObject({
        name: z.string().max(1000),
        value: z.string().max(10_000),
        hidden: z.boolean().optional(),
      }),
    )
    .max(100)
    .optional(),
};

export const passwordSettingsSchema = z.strictObject({
  /** Sites never to offer storing a password for. */
  neverAsk: z.array(z.string()),
  /** Offer generated passwords. */
  autoGenerate: z.boolean(),
});

export const passwordsMethods = {
  'passwords.list': method(
    z.strictObject({ query: z.string().max(1000).optional() }).optional(),
    z.array(passwordSummarySchema),
  ),
  'passwords.get': method(z.strictObject({ id }), passwordDetailSchema),
  'passwords.reveal': method(
    z.strictObject({ id }),
    z.strictObject({ id, password: z.string().nullable() }),
  ),
  'passwords.add': method(z.strictObject(entryInput), passwordSummarySchema),
  /**
   * Add an entry, or - when one entry already lists the first site with this user name - make
   * this its new version (the previous one stays in its history): `mesh password add`.
   */
  'passwords.put': method(
    z.strictObject({ ...entryInput, sites: entryInput.sites.min(1) }),
    z.strictObject({ entry: passwordSummarySchema, replaced: z.boolean() }),
  ),
  /**
   * The entries for a site or URL, the best match first (the exact host, then the nearest `*.`
   * pattern), each with the site of the entry that matched; with `username`, only that user's.
   */
  'passwords.find': method(
    z.strictObject({
      site: z.string().min(1).max(2000),
      username: z.string().max(1000).optional(),
    }),
    z.array(z.strictObject({ site: z.string(), entry: passwordSummarySchema })),
  ),
  /**
   * Delete the entries listing exactly `site`, or the one of them with `username`: NOT_FOUND
   * when none does, INVALID_ARGUMENT (`matches`) when several do and no user name says which.
   */
  'passwords.deleteBySite': method(
    z.strictObject({
      site: z.string().min(1).max(2000),
      username: z.string().max(1000).optional(),
    }),
    z.array(passwordSummarySchema),
  ),
  /** The given fields replace the current ones (an empty string clears one). */
  'passwords.update': method(
    z.strictObject({ id, changes: z.strictObject(entryInput).partial() }),
    passwordSummarySchema,
  ),
  /** Deletes at once (on every device with the next sync); `undelete` brings it back. */
  'passwords.delete': method(z.strictObject({ id }), z.strictObject({ id })),
  /**
   * Undo a delete made on this device since the program started: the entry comes back as it
   * was, with its history, as a new version later than the deletion (so it wins everywhere).
   */
  'passwords.undelete': method(z.strictObject({ id }), passwordSummarySchema),
  /** The value of one custom field (by its position), hidden ones included. */
  'passwords.revealField': method(
    z.strictObject({ id, index: z.number().int().nonnegative().max(99) }),
    z.strictObject({ id, index: z.number().int(), value: z.string() }),
  ),
  /** Make an earlier version (named by its `updated`) the current one again. */
  'passwords.restore': method(z.strictObject({ id, version: timeSchema }), passwordSummarySchema),
  'passwords.totp': method(
    z.strictObject({ id }),
    z
      .strictObject({
        code: z.string(),
        remainingSeconds: z.number().int().nonnegative(),
        period: z.number().int().positive(),
        digits: z.number().int().positive(),
      })
      .nullable(),
  ),
  'passwords.generate': method(
    z
      .strictObject({
        kind: z.enum(['password', 'passphrase']).optional(),
        length: z.number().int().min(4).max(1024).optional(),
        classes: z.array(z.enum(['lowercase', 'uppercase', 'digits', 'symbols'])).optional(),
        excludeAmbiguous: z.boolean().optional(),
        exclude: z.string().max(200).optional(),
        words: z.number().int().min(1).max(64).optional(),
        separator: z.string().max(10).optional(),
        capitalize: z.boolean().optional(),
        includeNumber: z.boolean().optional(),
      })
      .optional(),
    z.strictObject({
      kind: z.enum(['password', 'passphrase']),
      secret: z.string(),
      entropyBits: z.number(),
    }),
  ),
  'passwords.strength': method(
    z.strictObject({ password: z.string().max(10_000) }),
    z.strictObject({
      score: z.number().int().min(0).max(4),
      guessesLog10: z.number(),
      crackTimeDisplay: z.string(),
      warning: z.string().nullable(),
      suggestions: z.array(z.string()),
    }),
  ),
  /**
   * Import a CSV export (Chrome, Firefox, Bitwarden, LastPass, KeePassXC); `progress` events
   * (operation `import-passwords`) count the rows read.
   */
  'passwords.import': method(
    z.strictObject({
      csv: textSchema.max(64 * 1024 * 1024),
      format: z.enum(['chrome', 'firefox', 'bitwarden', 'lastpass', 'keepassxc']).optional(),
    }),
    z.strictObject({
      format: z.string(),
      rows: z.number().int().nonnegative(),
      added: z.number().int().nonnegative(),
      merged: z.number().int().nonnegative(),
      /** `line`: the file's line where the row starts. */
      skipped: z.array(
        z.strictObject({ row: z.number().int(), line: z.number().int(), reason: z.string() }),
      ),
      warnings: z.array(
        z.strictObject({
          row: z.number().int().nullable(),
          line: z.number().int().nullable(),
          message: z.string(),
        }),
      ),
    }),
  ),
  /** Every entry as a CSV file: it holds the passwords, for the person who asked. */
  'passwords.export': method(
    z.strictObject({ format: z.enum(['bitwarden', 'chrome']).optional() }).optional(),
    z.strictObject({ csv: z.string(), entries: z.number().int().nonnegative() }),
  ),
  /** Entries changed on this device and not uploaded yet (`account.sync` uploads them). */
  'passwords.pending': method(
    noRequest,
    z.strictObject({ pending: z.number().int().nonnegative() }),
  ),
  /** Read the settings; with changes, change them first. */
  'passwords.settings': method(
    z
      .strictObject({
        neverAsk: z.string().min(1).max(2000).optional(),
        askAgain: z.string().min(1).max(2000).optional(),
        autoGenerate: z.boolean().optional(),
      })
      .optional(),
    passwordSettingsSchema,
  ),
} as const;
