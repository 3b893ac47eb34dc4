/**
 * Where a device home lives (docs/architecture.md section 7, "Device state"): `--home DIR`, else
 * MESH_HOME, else the platform's application-data folder. Pure: the environment, platform and
 * user's home directory are parameters so tests and the CLI decide them.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve, win32 } from 'node:path';
import { MeshError } from '../../../shared/errors';

/** What decides the device home directory. Anything left out is taken from this process. */
export interface HomeLocationOptions {
  /** An explicit directory (`--home DIR`); wins over everything. */
  readonly home?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: NodeJS.Platform;
  /** The user's home directory (os.homedir()). */
  readonly userHome?: string;
  /** Relative paths are taken from here (process.cwd()). */
  readonly cwd?: string;
}

/** The application's folder name on macOS and Windows, and its lower-case form on Linux. */
export const APPLICATION_FOLDER = 'Mesh Desktop';
export const APPLICATION_FOLDER_XDG = 'mesh-desktop';

/**
 * The device home directory (docs/architecture.md section 7): `home` (the --home flag), else
 * MESH_HOME, else Linux `$XDG_CONFIG_HOME/mesh-desktop` or `~/.config/mesh-desktop`, macOS
 * `~/Library/Application Support/Mesh Desktop`, Windows `%APPDATA%\Mesh Desktop`.
 */
export function resolveHomeDirectory(options: HomeLocationOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const cwd = options.cwd ?? process.cwd();
  const explicit = nonEmpty(options.home) ?? nonEmpty(env.MESH_HOME);
  if (explicit !== undefined) {
    return platform === 'win32' ? win32.resolve(cwd, explicit) : resolve(cwd, explicit);
  }
  const userHome = options.userHome ?? homedir();
  switch (platform) {
    case 'darwin':
      return join(userHome, 'Library', 'Application Support', APPLICATION_FOLDER);
    case 'win32': {
      const appData = nonEmpty(env.APPDATA) ?? win32.join(userHome, 'AppData', 'Roaming');
      return win32.join(appData, APPLICATION_FOLDER);
    }
    default: {
      // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and must be ignored.
      const xdg = nonEmpty(env.XDG_CONFIG_HOME);
      const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(userHome, '.config');
      if (!isAbsolute(base)) {
        throw new MeshError('INVALID_ARGUMENT', 'cannot find the user home directory', {
          field: 'home',
        });
      }
      return join(base, APPLICATION_FOLDER_XDG);
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
