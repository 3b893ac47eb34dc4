/**
 * The MeshBackend of a build without the device core: it answers what is true without one.
 * No profile can exist on this device before the core can create or connect one, the service
 * is what the setting says, and there are no events to push.
 */
import type { ServiceLocation } from '../../shared/ipc/contract';
import type { MeshBackend } from './backend';

/** A backend for the shell alone (DESIGN.md section 8), replaced by electron/core's. */
export function createShellBackend(service: ServiceLocation): MeshBackend {
  return {
    sessionStatus: async () => ({ profile: 'none' }),
    serviceLocation: async () => service,
    onEvent: () => () => {},
  };
}
