/**
 * The names of the IPC contract, without its schemas: the channels, the methods and the
 * events (DESIGN.md section 8). Kept apart from contract.ts so that the preload, which needs
 * only names to build `window.mesh`, stays a few kilobytes without a schema library.
 * contract.ts gives each name its schemas; TypeScript refuses a name without schemas and
 * schemas without a name.
 */

/** The one channel every renderer→main request travels on (`ipcRenderer.invoke`). */
export const MESH_INVOKE_CHANNEL = 'mesh:invoke';
/** The one channel every main→renderer push travels on (`webContents.send`). */
export const MESH_EVENT_CHANNEL = 'mesh:event';

/** Every method the renderer may call, `namespace.method`; `window.mesh.<namespace>.<method>`. */
export const meshMethodNames = ['app.info', 'session.status', 'service.status'] as const;
export type MeshMethodName = (typeof meshMethodNames)[number];

/** Every push the main process may send. */
export const meshEventNames = [
  'pendingApproval',
  'syncState',
  'connectionState',
  'progress',
  'serviceState',
] as const;
export type MeshEventName = (typeof meshEventNames)[number];
