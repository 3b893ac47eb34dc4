/**
 * The banner's sync state (docs/architecture.md section 7, Sync): synced, syncing, offline with N
 * queued.
 */
import { useMeshStore } from '../store/MeshStoreProvider';
import { selectSync, syncWords } from '../store/sync-slice';

export function SyncIndicator() {
  const sync = useMeshStore(selectSync);
  return (
    <p className={`sync sync-${sync?.state ?? 'none'}`} role="status" data-testid="sync-state">
      {syncWords(sync)}
    </p>
  );
}
