/**
 * What the main process starts behind its IPC handlers (docs/architecture.md section 8; README
 * "Set-up"): the Mesh service this device uses - the configured one (MESH_SERVICE_URL, else the
 * settings), or the embedded local service run as a child process with its data in the app's data
 * folder - and the one device of the program on the device home (device-host.ts). Plain Node apart
 * from its parameters, so it runs in tests without Electron; main.ts passes Electron's paths and
 * its utilityProcess launcher.
 */
import { join } from 'node:path';
import { resolveHomeDirectory } from '../core/home/paths';
import { keyStoreChoiceFromEnvironment } from '../core/mesh-device';
import { openDeviceHost, type DeviceHost, type DeviceHostOptions } from './device-host';
import { readDesktopSettings, updateDesktopSettings } from './desktop-settings';
import {
  launchEmbeddedService,
  type EmbeddedServiceLaunch,
  type ServiceProcessLauncher,
} from './embedded-service';
import { parseServiceSetting } from './service-setting';
import { superviseService, type ServiceSupervisor } from './service-supervisor';

/** The folder of the embedded service's data inside the app's data folder. */
export const EMBEDDED_SERVICE_FOLDER = 'embedded-service';

/** Where the program runs. */
export interface BackendEnvironment {
  /** The app's folder (app.getAppPath()): dist/service/main.mjs is found there. */
  readonly appRoot: string;
  /** The app's data folder (app.getPath('userData')). */
  readonly userData: string;
  /**
   * How the embedded service's child is started: utilityProcessLauncher in the desktop,
   * nodeProcessLauncher in the tests (embedded-service.ts).
   */
  readonly launcher: ServiceProcessLauncher;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Lines for the developer's console (never shown to the user, never secret). */
  readonly warn: (message: string) => void;
  /** Replaces launchEmbeddedService (tests). */
  readonly launch?: typeof launchEmbeddedService;
  /** Passed on to the device host (tests: a test keychain, a short pending interval). */
  readonly core?: Pick<DeviceHostOptions, 'keyStoreOptions' | 'client' | 'pendingIntervalMs'>;
}

/** The device host and the service under it. */
export interface StartedBackend {
  readonly host: DeviceHost;
  readonly service: ServiceSupervisor;
  /** Close the device home, then stop the embedded service. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * The device home of the desktop program: MESH_HOME when set (as for the `mesh` CLI; a relative
 * one from the working directory), else the app's data folder.
 */
export function desktopHomeDirectory(
  env: Readonly<Record<string, string | undefined>>,
  userData: string,
): string {
  return resolveHomeDirectory({ home: env.MESH_HOME?.trim() || userData, env });
}

/**
 * Start the service and the backend (module comment). Throws MeshError INVALID_ARGUMENT for a
 * service setting or MESH_KEYSTORE that is not acceptable, before anything is started.
 */
export async function startBackend(environment: BackendEnvironment): Promise<StartedBackend> {
  const { env, userData, warn } = environment;
  const settings = await readDesktopSettings(userData, warn);
  const configured = env.MESH_SERVICE_URL?.trim() || settings.serviceUrl;
  const location = parseServiceSetting(configured);
  const keyStore = keyStoreChoiceFromEnvironment(env);
  const launch = environment.launch ?? launchEmbeddedService;
  const embedded: Omit<EmbeddedServiceLaunch, 'port'> = {
    launcher: environment.launcher,
    entry: join(environment.appRoot, 'dist', 'service', 'main.mjs'),
    dataDirectory: join(userData, EMBEDDED_SERVICE_FOLDER),
    env,
    onLog: (line) => warn(`mesh service: ${line}`),
  };
  const service = superviseService(
    location,
    location.kind === 'embedded'
      ? {
          launch: (port) => launch({ ...embedded, port }),
          savedPort: settings.embeddedServicePort,
          savePort: async (port) => {
            await updateDesktopSettings(userData, { embeddedServicePort: port });
          },
          warn,
        }
      : undefined,
  );
  const host = openDeviceHost({
    ...environment.core,
    home: desktopHomeDirectory(env, userData),
    keyStore,
    service,
    warn,
  });
  let stopped: Promise<void> | undefined;
  return {
    host,
    service,
    shutdown: () => {
      stopped ??= host.close().finally(() => service.stop());
      return stopped;
    },
  };
}
