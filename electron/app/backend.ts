/**
 * What the desktop's IPC handlers call: the device's Mesh client. `core-backend.ts` implements it
 * on electron/core (key store, profiles, protocol client, sync); `shell-backend.ts` answers what
 * is true without a core (the browser harness). Every method returns only public, non-secret
 * values: its results cross IPC.
 */
import type {
  MeshEventMessage,
  MeshUnsubscribe,
  ServiceLocation,
  ServiceStatus,
  SessionStatus,
} from '../../shared/ipc/contract';

/** The device's Mesh client as the desktop's IPC handlers see it (DESIGN.md section 8). */
export interface MeshBackend {
  /** Whether this device holds a profile, and which (seed 001 section 3). */
  sessionStatus(): Promise<SessionStatus>;
  /** The Mesh service this device uses (settings): configured by URL, or the embedded one. */
  serviceLocation(): Promise<ServiceLocation>;
  /** Where that service stands: the embedded one starting, ready, failed or stopped. */
  serviceStatus(): Promise<ServiceStatus>;
  /** Pushes for the renderer (pending approvals, sync state) until unsubscribed. */
  onEvent(listener: (message: MeshEventMessage) => void): MeshUnsubscribe;
}
