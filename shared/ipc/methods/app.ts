/**
 * `app`: what the desktop program is (the About panel). Dispatched to the program's own object
 * (electron/app/desktop-api.ts).
 */
import { z } from 'zod';
import { method, noRequest } from '../method';
import { serviceLocationSchema } from './service';

/** What the program is and where it runs. Nothing here is secret. */
export const appInfoSchema = z.strictObject({
  name: z.string().min(1),
  version: z.string().min(1),
  platform: z.string().min(1),
  arch: z.string().min(1),
  /** Electron's version, or null where the shell runs outside Electron (browser harness). */
  electron: z.string().min(1).nullable(),
  service: serviceLocationSchema,
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const appMethods = {
  'app.info': method(noRequest, appInfoSchema),
} as const;
