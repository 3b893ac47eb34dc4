/**
 * The renderer's only way to the main process: `window.mesh`, exposed by the preload from the
 * IPC contract (docs/architecture.md section 8). The renderer imports only the contract's types.
 */
import type { MeshApi } from '../../shared/ipc/contract';

declare global {
  interface Window {
    /** Exposed by electron/app/preload.ts (or by the browser test harness). */
    readonly mesh?: MeshApi;
  }
}

/** `window.mesh`, or null when the page runs without the preload (a plain browser). */
export function meshBridge(): MeshApi | null {
  return typeof window !== 'undefined' && window.mesh !== undefined ? window.mesh : null;
}
