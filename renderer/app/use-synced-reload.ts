/**
 * For a screen that shows a synced catalog read with `useLoad` (mail accounts, network settings):
 * what other devices changed arrives with a sync, so the catalog is read again after each one;
 * `changed()`, called after a change of the screen's own, reads it again and syncs, so the other
 * devices get it (docs/architecture.md section 7, Sync).
 */
import { useCallback, useEffect, useRef } from 'react';
import { useMesh } from './mesh-context';

export function useSyncedReload(reload: () => void): () => void {
  const mesh = useMesh();
  const reloadRef = useRef(reload);
  useEffect(() => {
    reloadRef.current = reload;
  });
  useEffect(
    () =>
      mesh?.on('syncState', (sync) => {
        if (sync.state === 'idle') reloadRef.current();
      }),
    [mesh],
  );
  return useCallback(() => {
    reloadRef.current();
    void mesh?.account.sync();
  }, [mesh]);
}
