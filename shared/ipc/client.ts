/**
 * The renderer-side end of the IPC contract, as one generic proxy (after VS Code's
 * ProxyChannel): builds the namespaced `window.mesh` object from the names of the contract's
 * methods and events over any transport. The preload runs it over `ipcRenderer` with the names
 * the main process hands it; the browser harness over HTTP with the table's own names. It needs
 * only names, so no schema library comes with it.
 */
import type { MeshApi, MeshEventMessage, MeshReply, MeshUnsubscribe } from './contract';
import type { MeshNames } from './names';

/** What travels on the request channel: a call of a method, or the cancel of a running call. */
export type MeshTransportMessage =
  { method: string; request?: unknown; call?: string } | { cancel: string };

/** How requests reach the main process and how its pushes come back. */
export interface MeshTransport {
  /** Sends one request (or cancel) and resolves to the main process's reply. */
  invoke(request: MeshTransportMessage): Promise<unknown>;
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
 * Builds `window.mesh` (or the API of any table, typed by `Api`): one function per method,
 * grouped by namespace, taking one request object (or none) and options (`call`: the id that
 * `cancel(call)` aborts it by), resolving to a MeshReply and never rejecting; `on(event,
 * listener)` hands the listener only the event's payload.
 */
export function createMeshApi<Api = MeshApi>(transport: MeshTransport, names: MeshNames): Api {
  const namespaces: Record<
    string,
    Record<string, (request?: unknown, options?: { call?: unknown }) => Promise<unknown>>
  > = {};
  for (const name of names.methods) {
    const dot = name.indexOf('.');
    if (dot <= 0) continue;
    const namespace = name.slice(0, dot);
    const member = name.slice(dot + 1);
    const functions = (namespaces[namespace] ??= {});
    functions[member] = async (request?: unknown, options?: { call?: unknown }) => {
      const call = typeof options?.call === 'string' ? { call: options.call } : {};
      try {
        return await transport.invoke(
          request === undefined ? { method: name, ...call } : { method: name, request, ...call },
        );
      } catch {
        return unreachable(name);
      }
    };
  }
  const on = (event: string, listener: (payload: unknown) => void): MeshUnsubscribe => {
    if (!names.events.includes(event)) {
      throw new TypeError(`window.mesh.on: unknown event ${String(event)}`);
    }
    if (typeof listener !== 'function') {
      throw new TypeError('window.mesh.on: the listener must be a function');
    }
    return transport.subscribe((message) => {
      if (message.event === event) listener(message.payload);
    });
  };
  const cancel = async (call: string): Promise<unknown> => {
    if (typeof call !== 'string')
      throw new TypeError('window.mesh.cancel: the call id is a string');
    try {
      return await transport.invoke({ cancel: call });
    } catch {
      return unreachable('cancel');
    }
  };
  const api: Record<string, unknown> = { on, cancel };
  for (const [namespace, functions] of Object.entries(namespaces)) {
    if (namespace === 'on' || namespace === 'cancel') continue;
    api[namespace] = Object.freeze(functions);
  }
  return Object.freeze(api) as Api;
}
