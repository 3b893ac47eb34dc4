/**
 * The renderer's one store (STYLE.md "The renderer"): typed slices combined with zustand's
 * curried `createStore<T>()(...)`. The store is made per app (and per test) by
 * `createMeshStore`, over the `window.mesh` it talks to, and handed down by MeshStoreProvider,
 * so every test starts from a fresh store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MeshApi } from '../../shared/ipc/contract';
import { createNavigationSlice, type NavigationSlice } from './navigation-slice';
import { createSessionSlice, type SessionSlice } from './session-slice';

export type MeshState = SessionSlice & NavigationSlice;
export type MeshStore = StoreApi<MeshState>;

/** A fresh store over `mesh` (null when the page runs without the preload). */
export function createMeshStore(mesh: MeshApi | null): MeshStore {
  return createStore<MeshState>()((...a) => ({
    ...createSessionSlice(mesh)(...a),
    ...createNavigationSlice(...a),
  }));
}
