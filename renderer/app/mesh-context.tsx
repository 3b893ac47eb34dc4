/**
 * `window.mesh` for the screens (null where the page runs without the preload), and `useLoad`:
 * one read through it as a Loadable, read again on demand. Feature data shared across screens
 * lives in the store's slices; what one screen alone shows is read with useLoad.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { MeshApi, MeshIpcError, MeshReply } from '../../shared/ipc/contract';
import { fromReply, loading, type Loadable } from '../store/loadable';

const MeshContext = createContext<MeshApi | null>(null);

export function MeshApiProvider({ mesh, children }: { mesh: MeshApi | null; children: ReactNode }) {
  return <MeshContext value={mesh}>{children}</MeshContext>;
}

export function useMesh(): MeshApi | null {
  return useContext(MeshContext);
}

/** The failure of a call made without window.mesh. */
export const noBridgeError: MeshIpcError = {
  code: 'NOT_CONNECTED',
  message: 'window.mesh is missing: this page runs outside Mesh Desktop.',
  details: {},
};

/** Reads `read(mesh)` on mount and when `reload` is called (keeping a loaded value meanwhile). */
export function useLoad<T>(
  read: (mesh: MeshApi) => Promise<MeshReply<T>>,
  deps: readonly unknown[],
): [Loadable<T>, () => void] {
  const mesh = useMesh();
  const [value, setValue] = useState<Loadable<T>>(loading);
  const [round, setRound] = useState(0);
  const stableRead = useCallback(read, deps);
  const lastRead = useRef(stableRead);
  useEffect(() => {
    let current = true;
    if (mesh === null) {
      setValue({ phase: 'failed', error: noBridgeError });
      return;
    }
    // Read again (reload): what is shown stays until the new reply replaces it, with any form
    // open on it; something else to read (deps changed): loading.
    const again = lastRead.current === stableRead;
    lastRead.current = stableRead;
    setValue((shown) => (again && shown.phase === 'loaded' ? shown : loading));
    void stableRead(mesh).then((reply) => {
      if (current) setValue(fromReply(reply));
    });
    return () => {
      current = false;
    };
  }, [mesh, stableRead, round]);
  return [value, () => setRound((n) => n + 1)];
}
