/**
 * The frame's lock and unlock over the store: locking empties every slice holding entries
 * before the lock screen shows; unlocking asks the main process, which checks the OS keychain.
 */
import type { MeshApi, MeshIpcError } from '../../shared/ipc/contract';
import { forgetEntries, type MeshStore } from '../store/mesh-store';
import type { DesktopActions } from './desktop-context';
import { noBridgeError } from './mesh-context';

export function createDesktopActions(store: MeshStore, mesh: MeshApi | null): DesktopActions {
  return {
    lock: async () => {
      // Emptied first: the window holds nothing even if the main process does not answer.
      forgetEntries(store);
      store.getState().lockChanged({ locked: true, reason: 'user' });
      await mesh?.session.lock();
    },
    unlock: async (): Promise<MeshIpcError | null> => {
      if (mesh === null) return noBridgeError;
      const reply = await mesh.session.unlock();
      if (!reply.ok) return reply.error;
      store.getState().lockChanged(reply.value);
      return null;
    },
  };
}
