/**
 * The MeshBackend of the shell without the device core: the browser harness (`npm run
 * dev:browser`) and the renderer's tests. It answers what is true without a core: no profile on
 * this device, the service the setting names (an embedded service is not run here), and no
 * events to push. The desktop program itself uses core-backend.ts.
 */
import type { ServiceLocation, ServiceStatus } from '../../shared/ipc/contract';
import type { MeshBackend } from './backend';

/** A backend for the shell alone (DESIGN.md section 8). */
export function createShellBackend(service: ServiceLocation): MeshBackend {
  const status: ServiceStatus =
    service.kind === 'configured'
      ? {
          location: service,
          state: 'ready',
          url: service.url,
          accountService: new URL(service.url).host,
          message: null,
        }
      : {
          location: service,
          state: 'stopped',
          url: null,
          accountService: null,
          message: 'The embedded Mesh service runs only inside the desktop program.',
        };
  return {
    sessionStatus: async () => ({ profile: 'none' }),
    serviceLocation: async () => service,
    serviceStatus: async () => status,
    onEvent: () => () => {},
  };
}
