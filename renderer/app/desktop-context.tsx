/**
 * What the frame asks of the desktop program itself (lock, unlock), given by main.tsx over
 * `window.mesh` and by tests over whatever they drive. Unlocking resolves to the failure in
 * words, or null.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { MeshIpcError } from '../../shared/ipc/contract';

export interface DesktopActions {
  readonly lock: () => Promise<void>;
  readonly unlock: () => Promise<MeshIpcError | null>;
}

const unavailable: DesktopActions = {
  lock: async () => {},
  unlock: async () => ({
    code: 'NOT_CONNECTED',
    message: 'window.mesh is missing',
    details: {},
  }),
};

const DesktopContext = createContext<DesktopActions>(unavailable);

export function DesktopProvider({
  actions,
  children,
}: {
  actions: DesktopActions;
  children: ReactNode;
}) {
  return <DesktopContext value={actions}>{children}</DesktopContext>;
}

export function useDesktop(): DesktopActions {
  return useContext(DesktopContext);
}
