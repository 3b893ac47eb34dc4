/**
 * The `sync` slice: where synchronisation with the service stands (docs/architecture.md section 7,
 * Sync), from the `syncState` event, shown in the banner as synced, syncing or offline with the
 * number of changes waiting; and what the last sync could not upload (entries the service
 * refused as too large, kept on this device), from `account.sync`'s reply.
 */
import type { StateCreator } from 'zustand';
import type { MeshApi, MeshEventPayload, ReplyOf, MeshMethods } from '../../shared/ipc/contract';
import type { MeshState } from './mesh-store';

/** The `syncState` event (or `account.syncState`): `pending` changes wait to go out. */
export type SyncStatus = MeshEventPayload<'syncState'>;
/** An entry the service refused as too large (`account.sync`'s `failed`). */
export type UploadFailure = ReplyOf<MeshMethods['account.sync']>['failed'][number];

// ---- state
export interface SyncSliceState {
  readonly sync: SyncStatus | null;
  /** The entries the last sync set aside as too large; empty when every change went out. */
  readonly uploadFailed: readonly UploadFailure[];
}
export const initialSyncState: SyncSliceState = { sync: null, uploadFailed: [] };

// ---- actions
export interface SyncActions {
  readonly syncChanged: (status: SyncStatus) => void;
  /**
   * Syncs now (`account.sync`): keeps what it could not upload, and reads the password list
   * again when it went through.
   */
  readonly syncNow: () => Promise<void>;
}
export type SyncSlice = SyncSliceState & SyncActions;

export function createSyncSlice(mesh: MeshApi | null): StateCreator<MeshState, [], [], SyncSlice> {
  return (set, get) => ({
    ...initialSyncState,
    syncChanged: (sync) => set({ sync }),
    syncNow: async () => {
      if (mesh === null) return;
      const reply = await mesh.account.sync();
      if (!reply.ok) return;
      set({ uploadFailed: reply.value.failed });
      if (!get().lock.locked) await get().readPasswords();
    },
  });
}

// ---- selectors
export const selectSync = (state: MeshState): SyncStatus | null => state.sync;
export const selectUploadFailed = (state: MeshState): readonly UploadFailure[] =>
  state.uploadFailed;

/** The banner's words for a sync state (and the entries it could not upload). */
export function syncWords(sync: SyncStatus | null, failed = 0): string {
  const words = stateWords(sync);
  if (failed === 0) return words;
  return `${words}; ${failed} ${failed === 1 ? 'entry' : 'entries'} could not be uploaded`;
}

function stateWords(sync: SyncStatus | null): string {
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
