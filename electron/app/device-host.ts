/**
 * The one device of the desktop program (docs/core-api.md): holds the `MeshDevice` of the device
 * home from before it has a profile (onboarding runs on it: account.create, connect.request,
 * escrow.recover) to after, forwards its events (a pending connection request, the connection
 * and sync state, progress, a failed verification) and the service's status to the renderer
 * with the IPC contract's payloads, watches for pending requests while the device belongs to an
 * account, and closes the home when the program quits.
 *
 * A bare account name goes to the service this device uses (`name@127.0.0.1:PORT` for the
 * embedded one). The key store is the OS keychain unless the home or the environment
 * (MESH_KEYSTORE) says otherwise; a keychain that does not answer fails the core's methods with
 * KEYCHAIN_UNAVAILABLE, never replaced by another store. A device that could not be opened is
 * tried again at the next request, so fixing the keychain needs no restart.
 */
import { isMeshError, MeshError } from '../../shared/errors';
import type {
  MeshEventMessage,
  MeshEventName,
  MeshEventPayload,
  MeshUnsubscribe,
} from '../../shared/ipc/contract';
import {
  MeshDevice,
  type KeyStoreChoice,
  type KeyStoreOptions,
  type MeshDeviceOptions,
  type ServiceClientOptions,
} from '../core/mesh-device';
import type { ServiceSupervisor } from './service-supervisor';

/** How to open the device core. */
export interface DeviceHostOptions {
  /** The device home: Electron's userData, MESH_HOME, or electron/core/home/paths.ts's default. */
  readonly home: string;
  /** The key store (default: what the home was set up with, else the OS keychain). */
  readonly keyStore?: KeyStoreChoice;
  readonly keyStoreOptions?: KeyStoreOptions;
  /** Protocol client options (timeouts, retries). */
  readonly client?: ServiceClientOptions;
  /** How mail discovery reaches providers (MeshDeviceOptions.mailDiscovery; tests only). */
  readonly mailDiscovery?: MeshDeviceOptions['mailDiscovery'];
  /** The service this device uses. */
  readonly service: ServiceSupervisor;
  /** Pause after a failed look for pending connection requests (default 5 s). */
  readonly pendingIntervalMs?: number;
  /**
   * Accept the requests that prove a PIN this device issued as they arrive (default true); when
   * false they are announced as pending like the others, for connect.accept.
   */
  readonly acceptPinRequests?: boolean;
  /** Told about trouble the renderer is not shown (a round of the pending watch failed...). */
  readonly warn?: (message: string) => void;
}

/** The device of the program, opened on demand. */
export interface DeviceHost {
  /**
   * The open device. When it could not be opened, the reason (KEYCHAIN_UNAVAILABLE,
   * PASSPHRASE_INVALID, HOME_LOCKED, STORE_CORRUPT) is thrown, and the next call tries again.
   */
  device(): Promise<MeshDevice>;
  /** Pushes for the renderer until unsubscribed. */
  onEvent(listener: (message: MeshEventMessage) => void): MeshUnsubscribe;
  /** Aborted when the program closes: the signal of every dispatched call. */
  readonly signal: AbortSignal;
  /** Stop watching, stop forwarding and close the device home. Idempotent. */
  close(): Promise<void>;
}

/** Hold the device of the program (module comment). */
export function openDeviceHost(options: DeviceHostOptions): DeviceHost {
  const listeners = new Set<(message: MeshEventMessage) => void>();
  const warn = options.warn ?? (() => {});
  const closing = new AbortController();
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

  let opening: Promise<HeldDevice> | undefined;
  let closed: Promise<void> | undefined;
  const open = (): Promise<HeldDevice> => {
    if (closed !== undefined) return Promise.reject(closedError());
    opening ??= HeldDevice.open(options, emit, warn).then(
      async (held) => {
        if (closed !== undefined) {
          await held.close();
          throw closedError();
        }
        return held;
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
    // Answered to the renderer by the first core method it calls, which tries again.
  });

  return {
    device: async () => (await open()).device,
    onEvent(listener): MeshUnsubscribe {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    signal: closing.signal,
    close() {
      closed ??= (async () => {
        closing.abort();
        stopServiceEvents();
        const held = await opening?.catch(() => undefined);
        await held?.close();
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
class HeldDevice {
  readonly device: MeshDevice;
  readonly #options: DeviceHostOptions;
  readonly #emit: Emit;
  readonly #warn: (message: string) => void;
  readonly #stops: Array<() => void> = [];
  #watch: { controller: AbortController; done: Promise<void> } | undefined;
  #lastWatchError: string | undefined;

  private constructor(
    device: MeshDevice,
    options: DeviceHostOptions,
    emit: Emit,
    warn: (message: string) => void,
  ) {
    this.device = device;
    this.#options = options;
    this.#emit = emit;
    this.#warn = warn;
  }

  static async open(options: DeviceHostOptions, emit: Emit, warn: (message: string) => void) {
    const device = await MeshDevice.open({
      home: options.home,
      keyStore: options.keyStore ?? {},
      ...(options.keyStoreOptions !== undefined && { keyStoreOptions: options.keyStoreOptions }),
      ...(options.client !== undefined && { client: options.client }),
      ...(options.mailDiscovery !== undefined && { mailDiscovery: options.mailDiscovery }),
      defaultService: () => accountService(options.service),
    });
    const held = new HeldDevice(device, options, emit, warn);
    held.#forwardEvents();
    const status = await device.account.status();
    if (status.state === 'connected') held.#startWatch();
    return held;
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
      device.on('sync-state', (event) => this.#emit('syncState', event)),
      device.on('trust-warning', (event) => this.#emit('trustWarning', event)),
    );
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
        ...(this.#options.acceptPinRequests !== undefined && {
          acceptPinRequests: this.#options.acceptPinRequests,
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

/**
 * The service part of account addresses on the service this device uses (`127.0.0.1:PORT` for
 * the embedded one; waits for it to start; SERVICE_ERROR when it could not).
 */
export async function accountService(service: ServiceSupervisor): Promise<string> {
  const status = await service.settled();
  if (status.accountService === null) {
    throw new MeshError('SERVICE_ERROR', status.message ?? 'The Mesh service is not available.', {
      reason: status.state,
    });
  }
  return status.accountService;
}
