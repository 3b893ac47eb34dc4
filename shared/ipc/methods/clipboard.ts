/**
 * `clipboard`: copy a username or a password to the system clipboard; the main process clears
 * it after the set time (30 s by default) if it still holds what was copied. Dispatched to the
 * program's object (electron/app/desktop-app.ts).
 */
import { clipboardCopiedSchema, clipboardCopySchema } from '../desktop';
import { method } from '../method';

export const clipboardMethods = {
  'clipboard.copy': method(clipboardCopySchema, clipboardCopiedSchema),
} as const;
