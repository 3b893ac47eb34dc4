/**
 * The desktop program's own namespaces of the IPC table (docs/core-api.md): `app` (what the
 * program is) and `service` (the Mesh service it uses). The main process dispatches them here
 * generically, as it dispatches the core's namespaces to the one MeshDevice; the namespaces
 * the program adds (`settings`, `session`, `clipboard`) are further members of this object.
 */
import { MeshError } from '../../shared/errors';
import type { AppApi, AppInfo } from '../../shared/ipc/contract';
import {
  createMeshDispatcher,
  meshRoute,
  type InternalErrorListener,
  type MeshDispatcher,
} from '../../shared/ipc/dispatcher';
import type { DesktopApp } from './desktop-app';
import type { DeviceHost } from './device-host';
import type { ServiceSupervisor } from './service-supervisor';

/** What the program knows about itself. */
export type AppIdentity = Omit<AppInfo, 'service'>;

/** The program's object for its own namespaces. */
export function createDesktopApi(options: {
  readonly identity: AppIdentity;
  readonly service: Pick<ServiceSupervisor, 'status'>;
  /**
   * The settings, the lock and the clipboard (desktop-app.ts). Without it (a host that has
   * none, such as a test of the core namespaces), those methods answer NOT_CONNECTED.
   */
  readonly desktop?: Pick<DesktopApp, 'settings' | 'session' | 'clipboard'>;
}): AppApi {
  const { identity, service } = options;
  const desktop = options.desktop ?? withoutDesktop;
  return {
    settings: desktop.settings,
    session: desktop.session,
    clipboard: desktop.clipboard,
    app: {
      info: async () => ({ ...identity, service: service.status().location }),
    },
    service: {
      status: async () => service.status(),
    },
  };
}

/**
 * The dispatcher of the main process (and of the browser harness): core namespaces to the one
 * device, the program's own to `app`; every call gets the host's signal, aborted at quit.
 */
export function createDesktopDispatcher(
  host: Pick<DeviceHost, 'device' | 'signal'>,
  app: AppApi,
  onInternalError?: InternalErrorListener,
): MeshDispatcher {
  return createMeshDispatcher(meshRoute({ device: () => host.device(), app }), {
    signal: host.signal,
    ...(onInternalError !== undefined && { onInternalError }),
  });
}

function absent(): never {
  throw new MeshError(
    'NOT_CONNECTED',
    'the desktop settings, lock and clipboard are not part of this host',
  );
}

/** The program's own groups where the host has none (module comment of createDesktopApi). */
const withoutDesktop: Pick<DesktopApp, 'settings' | 'session' | 'clipboard'> = {
  settings: {
    get: async () => absent(),
    update: async () => absent(),
    checkService: async () => absent(),
  },
  session: {
    state: async () => absent(),
    lock: async () => absent(),
    unlock: async () => absent(),
  },
  clipboard: { copy: async () => absent() },
};
