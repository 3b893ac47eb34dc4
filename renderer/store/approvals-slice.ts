/**
 * The `approvals` slice: devices asking to connect, waiting for this (administrator) device
 * (DESIGN.md section 7). Filled live by the `pendingApproval` event and read in full from
 * `connect.pending` (the query behind the event), so a request made before the window opened
 * is there too. The navigation's badge is their count.
 */
import type { StateCreator } from 'zustand';
import type { MeshEventPayload } from '../../shared/ipc/contract';
import type { MeshState } from './mesh-store';

export type PendingApproval = MeshEventPayload<'pendingApproval'>;

// ---- state
export interface ApprovalsState {
  /** Waiting requests, oldest first, one per request id. */
  readonly pending: readonly PendingApproval[];
  /** When each request was first seen here (ms since the epoch), for the "within 1 s" check. */
  readonly seenAt: Readonly<Record<string, number>>;
}

export const initialApprovalsState: ApprovalsState = { pending: [], seenAt: {} };

// ---- actions
export interface ApprovalsActions {
  /** One request arrived (the event): added unless already there. */
  readonly approvalArrived: (request: PendingApproval) => void;
  /** The whole list as the query answered: replaces what is held. */
  readonly approvalsRead: (requests: readonly PendingApproval[]) => void;
  /** A request was approved, rejected or lapsed. */
  readonly approvalSettled: (requestId: string) => void;
}

export type ApprovalsSlice = ApprovalsState & ApprovalsActions;

export const createApprovalsSlice: StateCreator<MeshState, [], [], ApprovalsSlice> = (set) => ({
  ...initialApprovalsState,
  approvalArrived: (request) =>
    set((state) =>
      state.pending.some((held) => held.requestId === request.requestId)
        ? state
        : {
            pending: [...state.pending, request],
            seenAt: { ...state.seenAt, [request.requestId]: Date.now() },
          },
    ),
  approvalsRead: (requests) =>
    set((state) => {
      const seenAt: Record<string, number> = {};
      for (const request of requests) {
        seenAt[request.requestId] = state.seenAt[request.requestId] ?? Date.now();
      }
      return { pending: [...requests], seenAt };
    }),
  approvalSettled: (requestId) =>
    set((state) => ({ pending: state.pending.filter((held) => held.requestId !== requestId) })),
});

// ---- selectors
export const selectPendingApprovals = (state: MeshState): readonly PendingApproval[] =>
  state.pending;
export const selectPendingCount = (state: MeshState): number => state.pending.length;
