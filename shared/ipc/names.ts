/**
 * The channels of the IPC contract, without any schema, for the preload (which stays a few
 * kilobytes without a schema library: it gets the method and event names from the main process
 * at start, see electron/app/preload.ts).
 */

/** The one channel every renderer→main request travels on (`ipcRenderer.invoke`). */
export const MESH_INVOKE_CHANNEL = 'mesh:invoke';
/** The one channel every main→renderer push travels on (`webContents.send`). */
export const MESH_EVENT_CHANNEL = 'mesh:event';
/** The renderer argument carrying the names `window.mesh` is built from. */
export const MESH_NAMES_ARGUMENT = '--mesh-names=';

/** The names of a contract, as the preload gets them. */
export interface MeshNames {
  readonly methods: readonly string[];
  readonly events: readonly string[];
}
