/**
 * The renderer's one store (docs/architecture.md section 11 "The renderer"): typed slices combined
 * with zustand's curried `createStore<T>()(...)`. The store is made per app (and per test) by
 * `createMeshStore`, over the `window.mesh` it talks to, and handed down by MeshStoreProvider,
 * so every test starts from a fresh store. `connectMeshEvents` feeds the main process's pushes
 * into the slices; locking empties every slice that holds entries.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MeshApi, MeshUnsubscribe } from '../../shared/ipc/contract';
import { createApprovalsSlice, fromAnnouncement, type ApprovalsSlice } from './approvals-slice';
import {
  createNavigationSlice,
  screenIds,
  type NavigationSlice,
  type ScreenId,
} from './navigation-slice';
import {
  createPasswordsSlice,
  initialPasswordsState,
  type PasswordsSlice,
} from './passwords-slice';
import { createSessionSlice, type SessionSlice } from './session-slice';
import { createSyncSlice, type SyncSlice } from './sync-slice';

export type MeshState = SessionSlice &
  NavigationSlice &
  ApprovalsSlice &
  SyncSlice &
  PasswordsSlice;
export type MeshStore = StoreApi<MeshState>;

/** A fresh store over `mesh` (null when the page runs without the preload). */
export function createMeshStore(mesh: MeshApi | null): MeshStore {
  return createStore<MeshState>()((...a) => ({
    ...createSessionSlice(mesh)(...a),
    ...createNavigationSlice(...a),
    ...createApprovalsSlice(mesh)(...a),
    ...createSyncSlice(mesh)(...a),
    ...createPasswordsSlice(mesh)(...a),
  }));
}

/** Empties every slice holding entries (on lock): the window keeps nothing decrypted. */
export function forgetEntries(store: MeshStore): void {
  store.setState(initialPasswordsState);
}

/** Feeds the main process's pushes into the store until unsubscribed. */
export function connectMeshEvents(store: MeshStore, mesh: MeshApi): MeshUnsubscribe {
  const stops = [
    mesh.on('pendingApproval', (request) => {
      store.getState().approvalArrived(fromAnnouncement(request));
      void store.getState().readApprovals();
    }),
    mesh.on('syncState', (sync) => {
      store.getState().syncChanged(sync);
      // What other devices changed arrives with a sync: read the list again.
      if (sync.state === 'idle' && store.getState().passwordRows.phase === 'loaded') {
        void store.getState().readPasswords();
      }
    }),
    mesh.on('connectionState', () => void store.getState().loadSession()),
    // The application menu, the tray and notifications open a screen; an mcu:// link opens
    // onboarding's connect step.
    mesh.on('showScreen', ({ screen }) => {
      if ((screenIds as readonly string[]).includes(screen)) {
        store.getState().showScreen(screen as ScreenId);
      }
    }),
    mesh.on('connectLink', ({ link }) => store.getState().openConnectLink(link)),
    mesh.on('locked', (lock) => {
      if (lock.locked) forgetEntries(store);
      store.getState().lockChanged(lock);
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
