/**
 * The renderer-side end of the IPC contract, as one generic proxy (STYLE.md, after VS Code's
 * ProxyChannel): builds the namespaced `window.mesh` object from the contract's method table
 * over any transport. The preload runs it over `ipcRenderer`; the browser harness over HTTP.
 * It needs only the contract's names (names.ts), so no schema library comes with it.
 */
import type {
  MeshApi,
  MeshEventMessage,
  MeshReply,
  MeshRequest,
  MeshUnsubscribe,
} from './contract';
import { meshEventNames, meshMethodNames, type MeshEventName } from './names';

/** How requests reach the main process and how its pushes come back. */
export interface MeshTransport {
  /** Sends one request and resolves to the main process's reply. */
  invoke(request: MeshRequest): Promise<unknown>;
  /** Calls `listener` with every message on the event channel until unsubscribed. */
  subscribe(listener: (message: MeshEventMessage) => void): MeshUnsubscribe;
}

function unreachable(method: string): MeshReply<never> {
  return {
    ok: false,
    error: {
      code: 'INTERNAL',
      message: `${method}: the main process did not answer`,
      details: { method },
    },
  };
}

/**
 * Builds `window.mesh` (DESIGN.md section 8): one function per contract method, grouped by
 * namespace, each resolving to a MeshReply and never rejecting; `on(event, listener)` hands the
 * listener only the event's payload (never the transport's raw event object).
 */
export function createMeshApi(transport: MeshTransport): MeshApi {
  const namespaces: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const name of meshMethodNames) {
    const dot = name.indexOf('.');
    const namespace = name.slice(0, dot);
    const member = name.slice(dot + 1);
    const functions = (namespaces[namespace] ??= {});
    functions[member] = async (...args: unknown[]) => {
      try {
        return await transport.invoke({ method: name, args } as MeshRequest);
      } catch {
        return unreachable(name);
      }
    };
  }
  const on = (event: MeshEventName, listener: (payload: unknown) => void): MeshUnsubscribe => {
    if (!meshEventNames.includes(event)) {
      throw new TypeError(`window.mesh.on: unknown event ${String(event)}`);
    }
    if (typeof listener !== 'function') {
      throw new TypeError('window.mesh.on: the listener must be a function');
    }
    return transport.subscribe((message) => {
      if (message.event === event) listener(message.payload);
    });
  };
  const api: Record<string, unknown> = { on };
  for (const [namespace, functions] of Object.entries(namespaces)) {
    api[namespace] = Object.freeze(functions);
  }
  return Object.freeze(api) as unknown as MeshApi;
}
