/**
 * The preload (docs/core-api.md; Electron security checklist items 3 and 20): exposes one
 * object, `window.mesh`, built by the contract's generic proxy over the context bridge from the
 * names of the IPC table, which the main process hands over as a renderer argument (window.ts:
 * `additionalArguments`), so that the preload needs no schema library and no edit when a method
 * is added. Nothing raw crosses: no ipcRenderer, no IPC event objects, only payloads. Bundled
 * into one CommonJS file, as a sandboxed preload must be.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createMeshApi } from '../../shared/ipc/client';
import type { MeshEventMessage } from '../../shared/ipc/contract';
import {
  MESH_EVENT_CHANNEL,
  MESH_INVOKE_CHANNEL,
  MESH_NAMES_ARGUMENT,
  type MeshNames,
} from '../../shared/ipc/names';

/** The names the main process passed; none (an empty window.mesh) when they are missing. */
function namesFromArguments(argv: readonly string[]): MeshNames {
  const argument = argv.find((value) => value.startsWith(MESH_NAMES_ARGUMENT));
  if (argument === undefined) return { methods: [], events: [] };
  try {
    const parsed = JSON.parse(argument.slice(MESH_NAMES_ARGUMENT.length)) as Partial<MeshNames>;
    const strings = (value: unknown): string[] =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    return { methods: strings(parsed.methods), events: strings(parsed.events) };
  } catch {
    return { methods: [], events: [] };
  }
}

const mesh = createMeshApi(
  {
    invoke: (request) => ipcRenderer.invoke(MESH_INVOKE_CHANNEL, request),
    subscribe: (listener) => {
      const wrapped = (_event: IpcRendererEvent, message: MeshEventMessage) => listener(message);
      ipcRenderer.on(MESH_EVENT_CHANNEL, wrapped);
      return () => {
        ipcRenderer.removeListener(MESH_EVENT_CHANNEL, wrapped);
      };
    },
  },
  namesFromArguments(process.argv),
);

contextBridge.exposeInMainWorld('mesh', mesh);
