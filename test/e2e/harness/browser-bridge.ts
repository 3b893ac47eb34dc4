/**
 * The browser harness's stand-in for the preload: builds `window.mesh` with the contract's own
 * generic proxy (shared/ipc/client.ts) and the table's names, over HTTP to the harness instead of `ipcRenderer`.
 * Requests go to `__mesh/invoke`, pushes come from `__mesh/events` (Server-Sent Events), both
 * on the page's own origin, which the renderer's CSP (`connect-src 'self'`) allows. Under
 * `npm run dev:browser` the page's URL carries the run's token in its fragment (never sent in
 * a Referer or a log line); the bridge shows it on every request.
 */
import { createMeshApi } from '../../../shared/ipc/client';
import type { MeshApi, MeshEventMessage } from '../../../shared/ipc/contract';
import type { MeshNames } from '../../../shared/ipc/names';

/**
 * The names of the IPC table, put in by the harness when it bundles this script (as the main
 * process hands them to the preload): the page gets no schema library.
 */
declare const __MESH_NAMES__: MeshNames;

const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
const listeners = new Set<(message: MeshEventMessage) => void>();
let events: EventSource | null = null;

function listen(): void {
  if (events !== null) return;
  events = new EventSource(`./__mesh/events?token=${encodeURIComponent(token)}`);
  events.onmessage = (event: MessageEvent<string>) => {
    const message = JSON.parse(event.data) as MeshEventMessage;
    for (const listener of listeners) listener(message);
  };
}

const mesh: MeshApi = createMeshApi(
  {
    invoke: async (request) => {
      const response = await fetch('./__mesh/invoke', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Mesh-Token': token },
        body: JSON.stringify(request),
      });
      return (await response.json()) as unknown;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      listen();
      return () => {
        listeners.delete(listener);
      };
    },
  },
  __MESH_NAMES__,
);

Object.defineProperty(window, 'mesh', { value: mesh, enumerable: true });
