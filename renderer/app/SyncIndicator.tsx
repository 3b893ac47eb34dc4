/**
 * The banner's sync state (docs/architecture.md section 7, Sync): synced, syncing, offline with N
 * queued; and how many entries could not be uploaded (the Passwords screen names them).
 */
import { useMeshStore } from '../store/MeshStoreProvider';
import { selectSync, selectUploadFailed, syncWords } from '../store/sync-slice';

export function SyncIndicator() {
  const sync = useMeshStore(selectSync);
  const failed = useMeshStore(selectUploadFailed);
  return (
    <p className={`sync sync-${sync?.state ?? 'none'}`} role="status" data-testid="sync-state">
      {syncWords(sync, failed.length)}
    </p>
  );
}
