/** Hands the store to the component tree, and reads it through selectors. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { MeshState, MeshStore } from './mesh-store';

const MeshStoreContext = createContext<MeshStore | null>(null);

/** Makes `store` the one every `useMeshStore` below reads. */
export function MeshStoreProvider({ store, children }: { store: MeshStore; children: ReactNode }) {
  return <MeshStoreContext value={store}>{children}</MeshStoreContext>;
}

/**
 * Reads the store through a selector (wrap with `useShallow` when the selector builds an
 * object or array).
 */
export function useMeshStore<T>(selector: (state: MeshState) => T): T {
  const store = useContext(MeshStoreContext);
  if (store === null) throw new Error('useMeshStore outside MeshStoreProvider');
  return useStore(store, selector);
}
