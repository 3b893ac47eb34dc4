/**
 * What the desktop's IPC handlers call: the device's Mesh client. `electron/core` implements it
 * (key store, profiles, protocol client, sync); until then `shell-backend.ts` answers with what
 * is real without it. Every method returns only public, non-secret values: its results cross
 * IPC.
 */
import type {
  MeshEventMessage,
  MeshUnsubscribe,
  ServiceLocation,
  SessionStatus,
} from '../../shared/ipc/contract';

/** The device's Mesh client as the desktop's IPC handlers see it (DESIGN.md section 8). */
export interface MeshBackend {
  /** Whether this device holds a profile, and which (seed 001 section 3). */
  sessionStatus(): Promise<SessionStatus>;
  /** The Mesh service this device uses (settings): configured by URL, or the embedded one. */
  serviceLocation(): Promise<ServiceLocation>;
  /** Pushes for the renderer (pending approvals, sync state) until unsubscribed. */
  onEvent(listener: (message: MeshEventMessage) => void): MeshUnsubscribe;
}
