/**
 * The IPC handlers: one per method of the contract (shared/ipc/contract.ts), each a thin call
 * into the backend (DESIGN.md section 2: "every handler calls core").
 */
import type { AppInfo } from '../../shared/ipc/contract';
import type { MeshHandlers } from '../../shared/ipc/dispatcher';
import type { MeshBackend } from './backend';

/** What the program knows about itself without the backend. */
export type AppIdentity = Omit<AppInfo, 'service'>;

/** The complete handler table over a backend; TypeScript fails while a method lacks one. */
export function createMeshHandlers(backend: MeshBackend, identity: AppIdentity): MeshHandlers {
  return {
    'app.info': async () => ({ ...identity, service: await backend.serviceLocation() }),
    'session.status': () => backend.sessionStatus(),
    'service.status': () => backend.serviceStatus(),
  };
}
