/** A value read from the main process: not yet asked, on its way, arrived, or failed. */
import type { MeshIpcError, MeshReply } from '../../shared/ipc/contract';

export type Loadable<T> =
  | { readonly phase: 'idle' }
  | { readonly phase: 'loading' }
  | { readonly phase: 'loaded'; readonly value: T }
  | { readonly phase: 'failed'; readonly error: MeshIpcError };

export const idle = { phase: 'idle' } as const;
export const loading = { phase: 'loading' } as const;

/** The Loadable of a reply from `window.mesh`. */
export function fromReply<T>(reply: MeshReply<T>): Loadable<T> {
  return reply.ok
    ? { phase: 'loaded', value: reply.value }
    : { phase: 'failed', error: reply.error };
}
