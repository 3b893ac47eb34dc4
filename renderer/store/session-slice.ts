/**
 * The `session` slice: what the program and this device are (app.info), whether the device
 * holds a profile (account.status), and whether the window is locked (the lock screen shows,
 * and every slice holding entries is emptied).
 */
import type { StateCreator } from 'zustand';
import type { AccountStatus, AppInfo, MeshApi, MeshIpcError } from '../../shared/ipc/contract';
import type { LockStateView } from '../../shared/ipc/desktop';
import { fromReply, idle, loading, type Loadable } from './loadable';
import type { MeshState } from './mesh-store';

// ---- state
export interface SessionState {
  readonly appInfo: Loadable<AppInfo>;
  readonly sessionStatus: Loadable<AccountStatus>;
  readonly lock: LockStateView;
}

export const initialSessionState: SessionState = {
  appInfo: idle,
  sessionStatus: idle,
  lock: { locked: false, reason: null },
};

// ---- actions
export interface SessionActions {
  /** Reads app.info and account.status again. */
  readonly loadSession: () => Promise<void>;
  /** The lock state changed (the `locked` event, or `session.state`). */
  readonly lockChanged: (lock: LockStateView) => void;
}

export type SessionSlice = SessionState & SessionActions;

const noBridge: MeshIpcError = {
  code: 'NOT_CONNECTED',
  message: 'window.mesh is missing: this page runs outside Mesh Desktop.',
  details: {},
};

/** The slice over `mesh` (null without a preload: every read then fails with NOT_CONNECTED). */
export function createSessionSlice(
  mesh: MeshApi | null,
): StateCreator<MeshState, [], [], SessionSlice> {
  return (set) => ({
    ...initialSessionState,
    lockChanged: (lock) => set({ lock }),
    loadSession: async () => {
      if (mesh === null) {
        set({
          appInfo: { phase: 'failed', error: noBridge },
          sessionStatus: { phase: 'failed', error: noBridge },
        });
        return;
      }
      set({ appInfo: loading, sessionStatus: loading });
      const [info, status] = await Promise.all([mesh.app.info(), mesh.account.status()]);
      set({ appInfo: fromReply(info), sessionStatus: fromReply(status) });
    },
  });
}

// ---- selectors
export const selectAppInfo = (state: MeshState): Loadable<AppInfo> => state.appInfo;
export const selectSessionStatus = (state: MeshState): Loadable<AccountStatus> =>
  state.sessionStatus;
export const selectLoadSession = (state: MeshState): SessionActions['loadSession'] =>
  state.loadSession;
/** True once account.status said this device is connected to an account (holds a profile). */
export const selectHasProfile = (state: MeshState): boolean =>
  state.sessionStatus.phase === 'loaded' && state.sessionStatus.value.state === 'connected';
/** True when this device can approve devices and make shares. */
export const selectIsAdministrator = (state: MeshState): boolean =>
  state.sessionStatus.phase === 'loaded' && state.sessionStatus.value.role === 'administrator';
export const selectLock = (state: MeshState): LockStateView => state.lock;
export const selectLocked = (state: MeshState): boolean => state.lock.locked;
