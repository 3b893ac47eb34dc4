/**
 * The MeshBackend of the desktop program on the real device core (DESIGN.md section 8; issue 4):
 * it opens the device home with MeshDevice (electron/core/mesh-device.ts), answers the session
 * status from it, forwards the core's events (a pending connection request, the connection
 * state, progress, the sync state) and the service's status to the renderer with the IPC
 * contract's payloads, watches for pending requests while the device belongs to an account, and
 * closes the home when the program quits.
 *
 * The key store is the OS keychain unless the home or the environment (MESH_KEYSTORE) says
 * otherwise; a keychain that does not answer is reported by session.status as
 * KEYCHAIN_UNAVAILABLE with the fix, never replaced by another store. A device that could not be
 * opened is tried again at the next request, so fixing the keychain needs no restart.
 */
import { isMeshError, MeshError } from '../../shared/errors';
import type {
  MeshEventMessage,
  MeshEventPayload,
  MeshUnsubscribe,
  ServiceLocation,
  ServiceStatus,
  SessionStatus,
} from '../../shared/ipc/contract';
import type { MeshEventName } from '../../shared/ipc/names';
import { MeshApplications } from '../core/applications/mesh-applications';
import type { SyncStateEvent } from '../core/catalog/catalog-events';
import type { ServiceClientOptions } from '../core/device/device-context';
import type { KeyStoreChoice, KeyStoreOptions } from '../core/keystore/open-key-store';
import { MeshDevice } from '../core/mesh-device';
import type { MeshBackend } from './backend';
import type { ServiceSupervisor } from './service-supervisor';

/** How to open the device core. */
export interface CoreBackendOptions {
  /** The device home: Electron's userData, MESH_HOME, or electron/core/home/paths.ts's default. */
  readonly home: string;
  /** The key store (default: what the home was set up with, else the OS keychain). */
  readonly keyStore?: KeyStoreChoice;
  readonly keyStoreOptions?: KeyStoreOptions;
  /** Protocol client options (timeouts, retries). */
  readonly client?: ServiceClientOptions;
  /** The service this device uses. */
  readonly service: ServiceSupervisor;
  /** Time between two looks for pending connection requests (default 5 s). */
  readonly pendingIntervalMs?: number;
  /** Told about trouble the renderer is not shown (a round of the pending watch failed...). */
  readonly warn?: (message: string) => void;
}

/** The core-backed MeshBackend, with what the later IPC handlers and the lifecycle need. */
export interface CoreBackend extends MeshBackend {
  /**
   * The open device. When it could not be opened, the reason (KEYCHAIN_UNAVAILABLE,
   * PASSPHRASE_INVALID, HOME_LOCKED, STORE_CORRUPT) is thrown, and the next call tries again.
   */
  device(): Promise<MeshDevice>;
  /**
   * The address of the account `name` on the service this device uses, `name@127.0.0.1:PORT`
   * for the embedded one (waits for it to start; SERVICE_ERROR when it could not).
   */
  accountAddress(name: string): Promise<string>;
  /** Stop watching, stop forwarding and close the device home. Idempotent. */
  close(): Promise<void>;
}

/** Open the device core behind the desktop's IPC handlers (module comment). */
export function createCoreBackend(options: CoreBackendOptions): CoreBackend {
  const listeners = new Set<(message: MeshEventMessage) => void>();
  const warn = options.warn ?? (() => {});
  const emit = <E extends MeshEventName>(event: E, payload: MeshEventPayload<E>): void => {
    const message = { event, payload } as MeshEventMessage;
    for (const listener of [...listeners]) {
      try {
        listener(message);
      } catch (error) {
        warn(`mesh: could not forward ${event}: ${String(error)}`);
      }
    }
  };
  const stopServiceEvents = options.service.onStatus((status) => emit('serviceState', status));

  let opening: Promise<OpenDevice> | undefined;
  let closed: Promise<void> | undefined;
  const open = (): Promise<OpenDevice> => {
    if (closed !== undefined) return Promise.reject(closedError());
    opening ??= OpenDevice.open(options, emit, warn).then(
      async (device) => {
        if (closed !== undefined) {
          await device.close();
          throw closedError();
        }
        return device;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };
  // Open at once, so that the renderer's first question finds the home open (or why not).
  open().catch(() => {
    // Reported to the renderer by session.status, which tries again.
  });

  return {
    sessionStatus: async () => (await open()).sessionStatus(),
    serviceLocation: async (): Promise<ServiceLocation> => options.service.status().location,
    serviceStatus: async (): Promise<ServiceStatus> => options.service.status(),
    onEvent(listener): MeshUnsubscribe {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    device: async () => (await open()).device,
    async accountAddress(name) {
      const status = await options.service.settled();
      if (status.accountService === null) {
        throw new MeshError(
          'SERVICE_ERROR',
          status.message ?? 'The Mesh service is not available.',
          { reason: status.state },
        );
      }
      return `${name}@${status.accountService}`;
    },
    close() {
      closed ??= (async () => {
        stopServiceEvents();
        const device = await opening?.catch(() => undefined);
        await device?.close();
        listeners.clear();
      })();
      return closed;
    },
  };
}

/** What a request gets once the program is quitting. */
function closedError(): MeshError {
  return new MeshError('CANCELLED', 'Mesh Desktop is closing: the device home is closed');
}

type Emit = <E extends MeshEventName>(event: E, payload: MeshEventPayload<E>) => void;

/** One open device home with its event forwarding and its pending-request watch. */
class OpenDevice {
  readonly device: MeshDevice;
  readonly #options: CoreBackendOptions;
  readonly #emit: Emit;
  readonly #warn: (message: string) => void;
  readonly #stops: Array<() => void> = [];
  #watch: { controller: AbortController; done: Promise<void> } | undefined;
  #lastSyncedAt: string | null;
  #lastWatchError: string | undefined;

  private constructor(
    device: MeshDevice,
    options: CoreBackendOptions,
    emit: Emit,
    warn: (message: string) => void,
  ) {
    this.device = device;
    this.#options = options;
    this.#emit = emit;
    this.#warn = warn;
    const times = device.context.store.listSyncPositions().map((position) => position.updated);
    this.#lastSyncedAt = times.length > 0 ? (times.sort().at(-1) ?? null) : null;
  }

  static async open(options: CoreBackendOptions, emit: Emit, warn: (message: string) => void) {
    const device = await MeshDevice.open({
      home: options.home,
      keyStore: options.keyStore ?? {},
      ...(options.keyStoreOptions !== undefined && { keyStoreOptions: options.keyStoreOptions }),
      ...(options.client !== undefined && { client: options.client }),
    });
    const opened = new OpenDevice(device, options, emit, warn);
    opened.#forwardEvents();
    if (device.context.account() !== undefined) opened.#startWatch();
    return opened;
  }

  /** The session status from the device's own records (no service round trip). */
  async sessionStatus(): Promise<SessionStatus> {
    const status = await this.device.status();
    if (status.state === 'unconnected' || status.state === 'requested') return { profile: 'none' };
    const { address, profileUdf, deviceUdf, deviceName, role } = status;
    if (profileUdf === undefined || deviceUdf === undefined) return { profile: 'none' };
    return {
      profile: 'present',
      account: address ?? null,
      masterProfileUdf: profileUdf,
      deviceUdf,
      deviceName: deviceName ?? '',
      administrator: role === 'administrator',
    };
  }

  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) stop();
    await this.#stopWatch();
    await this.device.close();
  }

  #forwardEvents(): void {
    const device = this.device;
    this.#stops.push(
      device.on('pending-connection', (event) =>
        this.#emit('pendingApproval', {
          requestId: event.id,
          deviceUdf: event.deviceUdf,
          deviceDescription: event.deviceName,
          witness: event.witness ?? null,
          pinVerified: event.pinVerified,
          expires: event.expires,
        }),
      ),
      device.on('connection-state', (event) => {
        this.#emit('connectionState', {
          state: event.state,
          account: event.account ?? null,
          deviceUdf: event.deviceUdf ?? null,
        });
        if (event.state === 'connected') this.#startWatch();
        if (event.state === 'removed') void this.#stopWatch();
      }),
      device.on('progress', (event) =>
        this.#emit('progress', {
          operation: event.operation,
          step: event.step,
          done: event.done ?? null,
          total: event.total ?? null,
        }),
      ),
      MeshApplications.of(device.context).on('sync-state', (event) =>
        this.#emit('syncState', this.#syncState(event)),
      ),
    );
  }

  #syncState(event: SyncStateEvent): MeshEventPayload<'syncState'> {
    if (event.state === 'synced') this.#lastSyncedAt = this.device.context.timestamp();
    const state = event.state === 'synced' ? 'idle' : event.state;
    return { state, lastSyncedAt: this.#lastSyncedAt };
  }

  /** Watch the account's pending connection requests (MeshDevice.watchPendingConnections). */
  #startWatch(): void {
    if (this.#watch !== undefined) return;
    const controller = new AbortController();
    const done = this.device
      .watchPendingConnections({
        signal: controller.signal,
        ...(this.#options.pendingIntervalMs !== undefined && {
          intervalMs: this.#options.pendingIntervalMs,
        }),
        onError: (error) => this.#watchFailed(error),
      })
      .catch((error: unknown) => this.#watchFailed(error));
    this.#watch = { controller, done };
  }

  async #stopWatch(): Promise<void> {
    const watch = this.#watch;
    if (watch === undefined) return;
    this.#watch = undefined;
    watch.controller.abort();
    await watch.done;
  }

  /** One line per new kind of failure: an unreachable service is not worth a line every round. */
  #watchFailed(error: unknown): void {
    const code = isMeshError(error) ? error.code : 'INTERNAL';
    if (code === this.#lastWatchError) return;
    this.#lastWatchError = code;
    this.#warn(`mesh: looking for pending connection requests failed (${code})`);
  }
}
