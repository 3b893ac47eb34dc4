/**
 * `settings`: the desktop program's own settings (the service, the lock, the clipboard time)
 * and a health check of a service. Dispatched to the program's object (electron/app/desktop-app.ts).
 */
import {
  desktopSettingsSchema,
  desktopSettingsUpdateSchema,
  serviceCheckRequestSchema,
  serviceCheckSchema,
} from '../desktop';
import { method, noRequest } from '../method';

export const settingsMethods = {
  'settings.get': method(noRequest, desktopSettingsSchema),
  /** Change some settings; a change of service takes effect at the next start. */
  'settings.update': method(desktopSettingsUpdateSchema, desktopSettingsSchema),
  /** Is the service at `url` (or the one in use) answering its Hello? */
  'settings.checkService': method(serviceCheckRequestSchema, serviceCheckSchema),
} as const;
