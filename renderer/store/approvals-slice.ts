/**
 * The `approvals` slice: devices asking to connect, waiting for this (administrator) device
 * (docs/architecture.md section 7). Read in full from `connect.pending` (the query behind the
 * event), and told of each new one at once by the `pendingApproval` event (shown right away, then
 * read again in full). The navigation's badge is their count.
 */
import type { StateCreator } from 'zustand';
import type { MeshApi, MeshEventPayload } from '../../shared/ipc/contract';
import { fromReply, idle, loading, type Loadable } from './loadable';
import type { MeshState } from './mesh-store';

/** One waiting request, as `connect.pending` lists it. */
export interface PendingApproval {
  readonly id: string;
  readonly deviceUdf: string;
  readonly deviceName: string;
  readonly witness: string;
  readonly serviceWitnessAgrees: boolean;
  readonly pinVerified: boolean;
  readonly received: string;
  readonly expires: string;
}

/** The event's announcement, as a list entry (until the query answers). */
export function fromAnnouncement(event: MeshEventPayload<'pendingApproval'>): PendingApproval {
  return {
    id: event.requestId,
    deviceUdf: event.deviceUdf,
    deviceName: event.deviceDescription,
    witness: event.witness ?? '',
    serviceWitnessAgrees: true,
    pinVerified: event.pinVerified,
    received: new Date().toISOString(),
    expires: event.expires,
  };
}

// ---- state
export interface ApprovalsState {
  /** Waiting requests, one per request id. */
  readonly pending: readonly PendingApproval[];
  /** The last read of `connect.pending`. */
  readonly approvalsLoad: Loadable<null>;
}

export const initialApprovalsState: ApprovalsState = { pending: [], approvalsLoad: idle };

// ---- actions
export interface ApprovalsActions {
  /** One request was announced (the event): added unless already there. */
  readonly approvalArrived: (request: PendingApproval) => void;
  /** Reads `connect.pending` and replaces the list. */
  readonly readApprovals: () => Promise<void>;
  /** A request was approved, rejected or lapsed. */
  readonly approvalSettled: (id: string) => void;
}

export type ApprovalsSlice = ApprovalsState & ApprovalsActions;

export function createApprovalsSlice(
  mesh: MeshApi | null,
): StateCreator<MeshState, [], [], ApprovalsSlice> {
  return (set) => ({
    ...initialApprovalsState,
    approvalArrived: (request) =>
      set((state) =>
        state.pending.some((held) => held.id === request.id || held.deviceUdf === request.deviceUdf)
          ? state
          : { pending: [...state.pending, request] },
      ),
    readApprovals: async () => {
      if (mesh === null) return;
      set({ approvalsLoad: loading });
      const reply = await mesh.connect.pending();
      if (reply.ok)
        set({ pending: reply.value.pending, approvalsLoad: fromReply({ ok: true, value: null }) });
      else set({ approvalsLoad: fromReply(reply) });
    },
    approvalSettled: (id) =>
      set((state) => ({ pending: state.pending.filter((held) => held.id !== id) })),
  });
}

// ---- selectors
export const selectPendingApprovals = (state: MeshState): readonly PendingApproval[] =>
  state.pending;
export const selectPendingCount = (state: MeshState): number => state.pending.length;
