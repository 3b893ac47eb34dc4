/**
 * The desktop program's own settings (docs/architecture.md section 8, settings): which Mesh service
 * to use, the port the embedded service keeps, when to lock and how long a copy stays on the
 * clipboard. Nothing here is secret, and the embedded service must start whether or not the
 * device's key store can be opened, so they live in a small JSON file in the app's data folder
 * rather than in the encrypted local store. Written atomically.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MeshError } from '../../shared/errors';
import { writeFileAtomic } from '../core/home/atomic-file';
import { readJsonFile } from '../core/home/json-file';

/** The settings file in the app's data folder (Electron's userData). */
export const DESKTOP_SETTINGS_FILE = 'desktop-settings.json';

const settingsSchema = z.object({
  /** The Mesh service's URL; absent: the embedded local service. */
  serviceUrl: z.string().min(1).optional(),
  /** The port the embedded service listens on, once it has started. */
  embeddedServicePort: z.number().int().min(1).max(65535).optional(),
  /** Lock after this many minutes without input (0: never); absent: the default. */
  lockAfterIdleMinutes: z.number().int().min(0).max(1440).optional(),
  /** Lock on system sleep and screen lock; absent: the default (yes). */
  lockOnSleep: z.boolean().optional(),
  /** Seconds a copy stays on the clipboard; absent: the default (30). */
  clipboardSeconds: z.number().int().min(5).max(600).optional(),
});

/** The desktop settings. */
export type DesktopSettings = z.infer<typeof settingsSchema>;

/**
 * Read the settings in `directory`: none yet gives `{}`. A file that is not ours is reported
 * through `warn` and read as `{}` (it holds no secret and the defaults are safe), never thrown.
 */
export async function readDesktopSettings(
  directory: string,
  warn: (message: string) => void = () => {},
): Promise<DesktopSettings> {
  const result = await readJsonFile(join(directory, DESKTOP_SETTINGS_FILE), settingsSchema);
  if (result === undefined) return {};
  if (!result.success) {
    warn(`mesh: ${DESKTOP_SETTINGS_FILE} is not valid; using the default settings`);
    return {};
  }
  return result.data;
}

/** Change some settings in `directory`, keeping the others. */
export async function updateDesktopSettings(
  directory: string,
  change: Partial<DesktopSettings>,
): Promise<DesktopSettings> {
  const checked = settingsSchema.safeParse({
    ...(await readDesktopSettings(directory)),
    ...change,
  });
  if (!checked.success) {
    throw new MeshError('INVALID_ARGUMENT', 'not a valid desktop setting', {
      field: String(checked.error.issues[0]?.path[0] ?? 'settings'),
    });
  }
  const next = checked.data;
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  await writeFileAtomic(
    join(directory, DESKTOP_SETTINGS_FILE),
    JSON.stringify(next, null, 2) + '\n',
  );
  return next;
}
