/**
 * The schemas of the desktop program's own namespaces (docs/architecture.md section 8;
 * docs/core-api.md section 2): `settings` (the service, the lock, the clipboard time), `session`
 * (lock, unlock, the lock state) and `clipboard` (copy, cleared after the set time by the main
 * process). Nothing here is secret except the text a `clipboard.copy` carries, which goes to the
 * system clipboard and nowhere else.
 */
import { z } from 'zod';

/** Where the Mesh service is: the embedded local one, or one at a URL. */
export const serviceChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('embedded') }),
  z.strictObject({ kind: z.literal('configured'), url: z.url({ protocol: /^https?$/ }) }),
]);

/** The desktop settings a person changes on the Settings screen. */
export const desktopPreferencesSchema = z.strictObject({
  /** Lock after this many minutes without input; 0: never. */
  lockAfterIdleMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  /** Lock on system sleep and screen lock. */
  lockOnSleep: z.boolean(),
  /** Seconds a copied username or password stays on the clipboard. */
  clipboardSeconds: z.number().int().min(5).max(600),
});
export type DesktopPreferences = z.infer<typeof desktopPreferencesSchema>;

/** The defaults: 5 minutes idle, lock on sleep, 30 s clipboard. */
export const defaultDesktopPreferences: DesktopPreferences = {
  lockAfterIdleMinutes: 5,
  lockOnSleep: true,
  clipboardSeconds: 30,
};

/** `settings.get` replies with the preferences and the service chosen. */
export const desktopSettingsSchema = desktopPreferencesSchema.extend({
  service: serviceChoiceSchema,
});
export type DesktopSettingsView = z.infer<typeof desktopSettingsSchema>;

/** `settings.update` takes any part of the settings. */
export const desktopSettingsUpdateSchema = desktopSettingsSchema.partial();
export type DesktopSettingsUpdate = z.infer<typeof desktopSettingsUpdateSchema>;

/** `settings.checkService`: is the service at `url` (or the one in use) answering? */
export const serviceCheckRequestSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).optional(),
});
export const serviceCheckSchema = z.strictObject({
  reachable: z.boolean(),
  /** Milliseconds the answer took, when it came. */
  latencyMs: z.number().nonnegative().nullable(),
  /** The error code when it did not answer (NETWORK, TIMEOUT, SERVICE_ERROR). */
  code: z.string().nullable(),
});

/** Why the program is locked. */
export const lockReasonSchema = z.enum(['user', 'idle', 'suspend', 'lock-screen']);

/** `session.state` (and the `locked` event). */
export const lockStateSchema = z.strictObject({
  locked: z.boolean(),
  reason: lockReasonSchema.nullable(),
});
export type LockStateView = z.infer<typeof lockStateSchema>;

/** `clipboard.copy`: text to copy, at most 4 KiB. */
export const clipboardCopySchema = z.strictObject({
  text: z.string().min(1).max(4096),
});
/** When the copied text will be cleared (RFC 3339). */
export const clipboardCopiedSchema = z.strictObject({ clearsAt: z.string().min(1) });
