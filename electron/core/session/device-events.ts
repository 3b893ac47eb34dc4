/**
 * The typed events of a device (docs/architecture.md section 7):
 * what the desktop main process forwards to the renderer and the CLI turns into progress lines.
 * Listeners are called synchronously in the order they were added; one that throws does not stop
 * the others or the flow that emitted the event.
 */
import { MeshError } from '../../../shared/errors';
import type { SyncState } from '../../../shared/ipc/contract';

/** A connection request waiting on an administrator device (docs/architecture.md section 7). */
export interface PendingConnectionEvent {
  readonly id: string;
  readonly deviceUdf: string;
  readonly deviceName: string;
  /** The witness as this device recomputed it; absent for a PIN-verified request. */
  readonly witness: string | undefined;
  readonly pinVerified: boolean;
  readonly expires: string;
}

/** How far a long operation has got. */
export interface ProgressEvent {
  /** Which operation: `create-account`, `complete-connection`, `recover`, ... */
  readonly operation: string;
  /** The step it is at, in words a person can read. */
  readonly step: string;
  /** Steps done and steps in all, when known. */
  readonly done?: number;
  readonly total?: number;
}

/** The connection state of this device to its account. */
export type ConnectionState =
  'unconnected' | 'requested' | 'connected' | 'refused' | 'expired' | 'removed';

/** This device's connection state changed. */
export interface ConnectionStateEvent {
  readonly state: ConnectionState;
  readonly account: string | undefined;
  readonly deviceUdf: string | undefined;
}

/** A new version of the account's personal profile was verified and cached. */
export interface ProfileUpdatedEvent {
  readonly profileUdf: string;
  readonly updated: string;
  readonly devices: number;
}

/** Where syncing stands (MeshDevice forwards the catalogs' sync state with its times). */
export type SyncStateChange = SyncState;

/**
 * A verification of the service's log or of a profile failed, or the service offered a new device
 * another master profile than its link or PIN names (MeshDevice records it).
 */
export interface TrustWarningEvent {
  readonly code:
    | 'LOG_INCONSISTENT'
    | 'PROOF_INVALID'
    | 'SIGNATURE_INVALID'
    | 'UNTRUSTED_PROFILE'
    | 'PROFILE_MISMATCH';
  readonly reason: string | null;
  readonly service: string | null;
  readonly at: string;
}

/** Every event a device emits, by name. */
export interface DeviceEventMap {
  'pending-connection': PendingConnectionEvent;
  progress: ProgressEvent;
  'connection-state': ConnectionStateEvent;
  'profile-updated': ProfileUpdatedEvent;
  'sync-state': SyncStateChange;
  'trust-warning': TrustWarningEvent;
}

export type DeviceEventName = keyof DeviceEventMap;
export type DeviceEventListener<E extends DeviceEventName> = (event: DeviceEventMap[E]) => void;

/** A small typed event emitter (no node:events, so its types are exact). */
export class DeviceEvents {
  readonly #listeners = new Map<DeviceEventName, Set<(event: never) => void>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  /** Listen to `name`; returns the function that stops listening. */
  on<E extends DeviceEventName>(name: E, listener: DeviceEventListener<E>): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => void set.delete(listener as (event: never) => void);
  }

  /**
   * Listen to the next `name` only; resolves with it, or rejects with CANCELLED when `signal`
   * aborts.
   */
  once<E extends DeviceEventName>(name: E, signal?: AbortSignal): Promise<DeviceEventMap[E]> {
    return new Promise((resolve, reject) => {
      const cancelled = (): MeshError =>
        new MeshError('CANCELLED', `stopped waiting for ${name}`, { event: name });
      if (signal?.aborted) {
        reject(cancelled());
        return;
      }
      const stop = this.on(name, (event) => {
        stop();
        signal?.removeEventListener('abort', abort);
        resolve(event);
      });
      const abort = (): void => {
        stop();
        reject(cancelled());
      };
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Call every listener of `name` with `event`. */
  emit<E extends DeviceEventName>(name: E, event: DeviceEventMap[E]): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        (listener as DeviceEventListener<E>)(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  /** Forget every listener (when the device closes). */
  clear(): void {
    this.#listeners.clear();
  }
}
