/**
 * MeshDevice: the public API of the device core (docs/core-api.md), what the desktop main
 * process and the `mesh` CLI call. One object per open device home, grouped by feature in the
 * user's words - `account`, `connect`, `devices`, `escrow`, `passwords`, `mail`, `network`,
 * `activity`, `trust` - each method taking one plain request object (and an optional
 * `{ signal }`) and answering plain, serialisable data, typed by the IPC table in
 * shared/ipc/methods/; and typed events (a new pending approval, progress, the connection and
 * sync state, a failed verification), each with a query behind it. A fresh home works too: it
 * is what onboarding (account.create, connect.request, escrow.recover) runs on.
 */
import { isMeshError, type MeshError } from '../../shared/errors';
import type { CoreApi, CoreNamespace, SyncState } from '../../shared/ipc/contract';
import { formatDateTime } from '../../shared/protocol/date-time';
import { accountApi } from './session/account-api';
import { activityApi } from './catalog/activity-api';
import { connectApi } from './connect/connect-api';
import { devicesApi } from './devices/devices-api';
import { escrowApi } from './escrow/escrow-api';
import { completeAddress, type ApiGroup, type DeviceCore } from './session/api-group';
import { exposeDeviceCore } from './session/device-internals';
import { mailApi } from './mail/mail-api';
import type { DiscoveryOptions as MailDiscoveryOptions } from './mail/mail-discovery';
import { networkApi } from './network/network-api';
import { passwordsApi } from './passwords/passwords-api';
import { recordTrustWarning, TRUST_CODES, trustApi, type TrustCode } from './protocol/trust-api';
import { MeshApplications } from './mesh-applications';
import type { SyncStateEvent } from './catalog/catalog-events';
import { catalogsOf } from './catalog/catalog-set';
import { acceptPending } from './connect/accept-connection';
import {
  openDeviceContext,
  type DeviceContext,
  type DeviceContextOptions,
  type ServiceClientOptions,
} from './session/device-context';
import type { DeviceEventListener, DeviceEventMap, DeviceEventName } from './session/device-events';
import { listPendingConnections } from './connect/pending-connections';
import { sleep } from './protocol/retry';

export type { DeviceContextOptions, ServiceClientOptions };
export type { DeviceEventMap, DeviceEventName } from './session/device-events';
// Which key store to open, as the desktop and the CLI choose it: the choice, never the store.
export {
  keyStoreChoiceFromEnvironment,
  parseKeyStoreKind,
  type KeyStoreChoice,
  type KeyStoreOptions,
} from './keystore/open-key-store';

/** How to open a device home: the context's options, and the service a bare name goes to. */
export interface MeshDeviceOptions extends DeviceContextOptions {
  /**
   * The service part (`host[:port]`) of an account address given as a name alone (the desktop's
   * embedded service); without it, addresses must be `local@service`.
   */
  readonly defaultService?: () => Promise<string>;
  /**
   * How `mail.discover` and `mail.add` reach the provider's autoconfig document and SRV records
   * (default: HTTPS and the system's DNS); tests point them at loopback servers.
   */
  readonly mailDiscovery?: MailDiscoveryOptions;
}

/** Options of a cancellable operation. */
export interface Cancellable {
  readonly signal?: AbortSignal | undefined;
}

/** How to watch for pending connection requests. */
export interface WatchPendingOptions extends Cancellable {
  /** Pause after a round that failed (default 5 s); rounds themselves are long polls. */
  readonly intervalMs?: number;
  /** Longest single long poll, in seconds (default 30; the service caps it). */
  readonly waitSeconds?: number;
  /** Accept requests proving a PIN this device issued, without asking (default true). */
  readonly acceptPinRequests?: boolean;
  /** Called with an error of one round (the watch goes on); default: ignore. */
  readonly onError?: (error: unknown) => void;
}

/** Shortest pause between two long polls that the service answered early without news. */
const MIN_IDLE_MS = 250;

/** The Mesh client of one device home. Open with MeshDevice.open; close when done. */
export class MeshDevice implements CoreApi {
  static {
    // The core's own tests reach the context through session/device-internals.ts, which lint
    // keeps from electron/app, electron/cli and renderer.
    exposeDeviceCore((device) => device.#core);
  }

  readonly account: ApiGroup<'account'>;
  readonly connect: ApiGroup<'connect'>;
  readonly devices: ApiGroup<'devices'>;
  readonly escrow: ApiGroup<'escrow'>;
  readonly passwords: ApiGroup<'passwords'>;
  readonly mail: ApiGroup<'mail'>;
  readonly network: ApiGroup<'network'>;
  readonly activity: ApiGroup<'activity'>;
  readonly trust: ApiGroup<'trust'>;
  /** The one open home: its context (stores, keys, per-home state) and its applications. */
  readonly #context: DeviceContext;
  readonly #applications: MeshApplications;
  readonly #core: DeviceCore;
  readonly #stops: Array<() => void> = [];
  #syncState: SyncState;

  private constructor(context: DeviceContext, options: MeshDeviceOptions) {
    this.#context = context;
    this.#applications = new MeshApplications(context);
    this.#syncState = {
      state: 'idle',
      lastSyncedAt: lastSyncOf(context),
      code: null,
      pending: context.store.pendingEdits().length,
    };
    const core: DeviceCore = Object.freeze({
      context,
      applications: this.#applications,
      address: (text: string) => completeAddress(text, options.defaultService),
    });
    this.#core = core;
    const guard = <N extends CoreNamespace>(group: ApiGroup<N>): ApiGroup<N> => this.#guard(group);
    this.account = guard(
      accountApi(core, {
        current: () => ({ ...this.#syncState }),
        pending: () => this.#pendingNow(),
      }),
    );
    this.connect = guard(connectApi(core));
    this.devices = guard(devicesApi(core));
    this.escrow = guard(escrowApi(core));
    this.passwords = guard(passwordsApi(core));
    this.mail = guard(mailApi(core, options.mailDiscovery));
    this.network = guard(networkApi(core));
    this.activity = guard(activityApi(core));
    this.trust = guard(trustApi(core));
    this.#stops.push(this.#applications.on('sync-state', (event) => this.#syncChanged(event)));
  }

  /** Open (and lock) the device home `options.home`. */
  static async open(options: MeshDeviceOptions): Promise<MeshDevice> {
    const context = await openDeviceContext(options);
    try {
      return new MeshDevice(context, options);
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  /**
   * Local edits waiting for upload now: the catalogs' queues once this device is connected (what
   * the `sync-state` event counts), else what was last announced.
   */
  async #pendingNow(): Promise<number> {
    if (this.#context.account() === undefined) return this.#syncState.pending;
    try {
      const replicas = await catalogsOf(this.#context).all();
      return replicas.reduce((sum, replica) => sum + replica.pendingCount, 0);
    } catch (error) {
      // Catalogs this device cannot open yet (no application keys) have nothing queued.
      if (isMeshError(error)) return this.#syncState.pending;
      throw error;
    }
  }

  /** Where syncing stands now (what `account.syncState` answers). */
  #syncChanged(event: SyncStateEvent): void {
    const lastSyncedAt =
      event.state === 'synced' ? this.#context.timestamp() : this.#syncState.lastSyncedAt;
    this.#syncState = {
      state: event.state === 'synced' ? 'idle' : event.state,
      lastSyncedAt,
      code: event.code ?? null,
      pending: event.pending,
    };
    this.#context.events.emit('sync-state', { ...this.#syncState });
  }

  /**
   * Every method of a group, after catching up with what other processes committed to the home
   * (docs/local-store.md "Sharing a home"), with failed verifications recorded (`trust.status`)
   * and announced (`trust-warning`) before the error goes on to the caller.
   */
  #guard<N extends CoreNamespace>(group: ApiGroup<N>): ApiGroup<N> {
    const guarded: Record<string, unknown> = {};
    for (const [name, call] of Object.entries(group as Record<string, unknown>)) {
      const method = call as (request: unknown, options: unknown) => Promise<unknown>;
      guarded[name] = async (request: unknown, options: unknown) => {
        try {
          // What another process with this home open committed, read before answering.
          await this.#context.catchUp();
          return await method(request, options);
        } catch (error) {
          if (isTrustError(error)) {
            const warning = recordTrustWarning(
              this.#context.store,
              error,
              formatDateTime(this.#context.now()),
            );
            this.#context.events.emit('trust-warning', warning);
          }
          throw error;
        }
      };
    }
    return Object.freeze(guarded) as ApiGroup<N>;
  }

  /** Listen to an event; returns the function that stops listening. */
  on<E extends DeviceEventName>(name: E, listener: DeviceEventListener<E>): () => void {
    return this.#context.events.on(name, listener);
  }

  /** The next event of `name`. */
  once<E extends DeviceEventName>(name: E, signal?: AbortSignal): Promise<DeviceEventMap[E]> {
    return this.#context.events.once(name, signal);
  }

  /**
   * Watch the account's pending connection requests until `signal` aborts: emit
   * `pending-connection` once for each new verified request, and accept those that prove a PIN
   * this device issued. Each round is a ConnectPending long poll that the service answers as soon
   * as a new request arrives (docs/protocol.md ConnectPending). Resolves when aborted.
   */
  async watchPendingConnections(options: WatchPendingOptions = {}): Promise<void> {
    const seen = new Set<string>();
    const interval = options.intervalMs ?? 5_000;
    const maxWait = options.waitSeconds ?? 30;
    let after = 0;
    let first = true;
    let idle = MIN_IDLE_MS;
    for (;;) {
      if (options.signal?.aborted) return;
      let pause = 0;
      try {
        const acceptingPins =
          this.#context.account()?.role === 'administrator' && (options.acceptPinRequests ?? true);
        const waitSeconds = first ? 0 : maxWait;
        const started = Date.now();
        const { pending, newest } = await listPendingConnections(this.#context, {
          signal: options.signal,
          waitSeconds,
          after,
        });
        const news = newest > after;
        after = Math.max(after, newest);
        first = false;
        for (const request of pending) {
          if (acceptingPins && request.pinVerified) {
            await acceptPending(this.#context, request, { signal: options.signal });
            continue;
          }
          const key = `${request.deviceUdf}/${request.witness}`;
          if (seen.has(key)) continue;
          seen.add(key);
          this.#context.events.emit('pending-connection', {
            id: request.id,
            deviceUdf: request.deviceUdf,
            deviceName: request.deviceName,
            witness: request.pinVerified ? undefined : request.witness,
            pinVerified: request.pinVerified,
            expires: request.expires,
          });
        }
        // A service that does not hold the poll is not hammered.
        if (!news && waitSeconds > 0 && Date.now() - started < (waitSeconds * 1000) / 2) {
          pause = idle;
          idle = Math.min(idle * 2, interval);
        } else {
          idle = MIN_IDLE_MS;
        }
      } catch (error) {
        if (options.signal?.aborted) return;
        options.onError?.(error);
        pause = interval;
      }
      if (pause === 0) continue;
      try {
        await sleep(pause, options.signal);
      } catch (error) {
        if (isMeshError(error, 'CANCELLED')) return;
        throw error;
      }
    }
  }

  /**
   * Close the home, in reverse order of opening (docs/architecture.md, "One owner per open home"):
   * stop listening, close the applications, then the context - the turns in flight settle, the
   * per-home state closes (catalog keys wiped), the device keys are wiped, the local store is
   * closed and the lock released. Idempotent.
   */
  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) stop();
    await this.#applications.close();
    await this.#context.close();
  }
}

/** The time any container last synchronised, from the local store. */
function lastSyncOf(context: DeviceContext): string | null {
  const times = context.store.listSyncPositions().map((position) => position.updated);
  return times.length > 0 ? (times.sort().at(-1) ?? null) : null;
}

function isTrustError(error: unknown): error is MeshError & { code: TrustCode } {
  return isMeshError(error) && (TRUST_CODES as readonly string[]).includes(error.code);
}
