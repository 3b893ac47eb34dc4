/**
 * The `sync` slice: where synchronisation with the service stands (docs/architecture.md section 7,
 * Sync), from the `syncState` event, shown in the banner as synced, syncing or offline with the
 * number of changes waiting.
 */
import type { StateCreator } from 'zustand';
import type { MeshEventPayload } from '../../shared/ipc/contract';
import type { MeshState } from './mesh-store';

/** The `syncState` event (or `account.syncState`): `pending` changes wait to go out. */
export type SyncStatus = MeshEventPayload<'syncState'>;

// ---- state
export interface SyncSliceState {
  readonly sync: SyncStatus | null;
}
export const initialSyncState: SyncSliceState = { sync: null };

// ---- actions
export interface SyncActions {
  readonly syncChanged: (status: SyncStatus) => void;
}
export type SyncSlice = SyncSliceState & SyncActions;

export const createSyncSlice: StateCreator<MeshState, [], [], SyncSlice> = (set) => ({
  ...initialSyncState,
  syncChanged: (sync) => set({ sync }),
});

// ---- selectors
export const selectSync = (state: MeshState): SyncStatus | null => state.sync;

/** The banner's words for a sync state. */
export function syncWords(sync: SyncStatus | null): string {
  if (sync === null) return 'Not synced yet';
  const queued = sync.pending;
  switch (sync.state) {
    case 'syncing':
      return 'Syncing…';
    case 'offline':
      return queued > 0
        ? `Offline: ${queued} ${queued === 1 ? 'change waits' : 'changes wait'} to go out`
        : 'Offline';
    case 'failed':
      return 'Sync failed; it will be tried again';
    case 'idle':
      return sync.lastSyncedAt === null ? 'Not synced yet' : 'Synced';
  }
}
