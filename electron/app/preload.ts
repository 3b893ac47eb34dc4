/**
 * The preload (DESIGN.md section 8; Electron security checklist items 3 and 20): exposes one
 * object, `window.mesh`, built from the IPC contract by its generic proxy, over the context
 * bridge. Nothing raw crosses: no ipcRenderer, no IPC event objects, only payloads. Bundled
 * into one CommonJS file, as a sandboxed preload must be.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createMeshApi } from '../../shared/ipc/client';
import type { MeshEventMessage } from '../../shared/ipc/contract';
import { MESH_EVENT_CHANNEL, MESH_INVOKE_CHANNEL } from '../../shared/ipc/names';

const mesh = createMeshApi({
  invoke: (request) => ipcRenderer.invoke(MESH_INVOKE_CHANNEL, request),
  subscribe: (listener) => {
    const wrapped = (_event: IpcRendererEvent, message: MeshEventMessage) => listener(message);
    ipcRenderer.on(MESH_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(MESH_EVENT_CHANNEL, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('mesh', mesh);
