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
import { mailApi } from './mail/mail-api';
import type { DiscoveryOptions as MailDiscoveryOptions } from './mail/mail-discovery';
import { networkApi } from './network/network-api';
import { passwordsApi } from './passwords/passwords-api';
import { recordTrustWarning, TRUST_CODES, trustApi, type TrustCode } from './protocol/trust-api';
import { MeshApplications } from './mesh-applications';
import type { SyncStateEvent } from './catalog/catalog-events';
import {
  acceptConnection,
  acceptPending,
  type AcceptedConnection,
  type AcceptOptions,
} from './connect/accept-connection';
import { acceptPinConnections, awaitPinConnection } from './connect/accept-pin-connections';
import type { AdministrationRole } from './profile/administration';
import {
  completeConnection,
  type CompleteConnectionOptions,
  type ConnectionOutcome,
} from './connect/complete-connection';
import {
  createAccount,
  type CreateAccountOptions,
  type CreatedAccount,
} from './profile/create-account';
import {
  openDeviceContext,
  type DeviceContext,
  type DeviceContextOptions,
} from './session/device-context';
import type { DeviceEventListener, DeviceEventMap, DeviceEventName } from './session/device-events';
import { createEscrowShares, type EscrowShares } from './escrow/escrow';
import { issuePin, type IssuedPinView } from './connect/issue-pin';
import { listDevices, type DeviceListing } from './devices/list-devices';
import {
  listPendingConnections,
  type PendingConnection,
  type PendingConnections,
} from './connect/pending-connections';
import { recoverAccount, type RecoverOptions, type RecoveredAccount } from './escrow/recover';
import { rejectConnection, type RejectedConnection } from './connect/reject-connection';
import { removeDevice, type RemovedDevice } from './devices/remove-device';
import { setDeviceRole, type RoleChange } from './devices/set-role';
import {
  requestConnection,
  type ConnectionRequestView,
  type RequestConnectionOptions,
} from './connect/request-connection';
import { deviceStatus, type DeviceStatus } from './session/status';
import { sleep } from './protocol/retry';
import { attachCatalogHooks } from './catalog/sync/catalog-hooks';

export type {
  AcceptedConnection,
  AdministrationRole,
  ConnectionOutcome,
  ConnectionRequestView,
  CreatedAccount,
  DeviceContextOptions,
  DeviceListing,
  DeviceStatus,
  EscrowShares,
  IssuedPinView,
  PendingConnection,
  PendingConnections,
  RecoveredAccount,
  RejectedConnection,
  RemovedDevice,
  RoleChange,
};
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
  /** The device context, for the core's other layers (electron/core/session/README.md). */
  readonly context: DeviceContext;
  readonly account: ApiGroup<'account'>;
  readonly connect: ApiGroup<'connect'>;
  readonly devices: ApiGroup<'devices'>;
  readonly escrow: ApiGroup<'escrow'>;
  readonly passwords: ApiGroup<'passwords'>;
  readonly mail: ApiGroup<'mail'>;
  readonly network: ApiGroup<'network'>;
  readonly activity: ApiGroup<'activity'>;
  readonly trust: ApiGroup<'trust'>;
  readonly #applications: MeshApplications;
  readonly #stops: Array<() => void> = [];
  #syncState: SyncState;

  private constructor(context: DeviceContext, options: MeshDeviceOptions) {
    this.context = context;
    this.#applications = MeshApplications.of(context);
    this.#syncState = {
      state: 'idle',
      lastSyncedAt: lastSyncOf(context),
      code: null,
      pending: context.store.pendingEdits().length,
    };
    const core: DeviceCore = {
      context,
      applications: this.#applications,
      address: (text) => completeAddress(text, options.defaultService),
    };
    const guard = <N extends CoreNamespace>(group: ApiGroup<N>): ApiGroup<N> => this.#guard(group);
    this.account = guard(accountApi(core, { current: () => ({ ...this.#syncState }) }));
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
    // Accepting a device shares the application keys with it; removing one rotates them.
    attachCatalogHooks(context);
    return new MeshDevice(context, options);
  }

  /** Where syncing stands now (what `account.syncState` answers). */
  #syncChanged(event: SyncStateEvent): void {
    const lastSyncedAt =
      event.state === 'synced' ? this.context.timestamp() : this.#syncState.lastSyncedAt;
    this.#syncState = {
      state: event.state === 'synced' ? 'idle' : event.state,
      lastSyncedAt,
      code: event.code ?? null,
      pending: event.pending,
    };
    this.context.events.emit('sync-state', { ...this.#syncState });
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
          await this.context.catchUp();
          return await method(request, options);
        } catch (error) {
          if (isTrustError(error)) {
            const warning = recordTrustWarning(
              this.context.store,
              error,
              formatDateTime(this.context.now()),
            );
            this.context.events.emit('trust-warning', warning);
          }
          throw error;
        }
      };
    }
    return Object.freeze(guarded) as ApiGroup<N>;
  }

  /** Listen to an event; returns the function that stops listening. */
  on<E extends DeviceEventName>(name: E, listener: DeviceEventListener<E>): () => void {
    return this.context.events.on(name, listener);
  }

  /** The next event of `name`. */
  once<E extends DeviceEventName>(name: E, signal?: AbortSignal): Promise<DeviceEventMap[E]> {
    return this.context.events.once(name, signal);
  }

  /** Create a master profile and register an account for it (this device administers it). */
  createAccount(options: CreateAccountOptions): Promise<CreatedAccount> {
    return createAccount(this.context, options);
  }

  /** Where this device stands; `refresh` asks the service. */
  status(options: { refresh?: boolean } & Cancellable = {}): Promise<DeviceStatus> {
    return deviceStatus(this.context, options);
  }

  /** Ask to connect this device to an account (by witness, or with a PIN / mcu:// URI). */
  requestConnection(options: RequestConnectionOptions): Promise<ConnectionRequestView> {
    return requestConnection(this.context, options);
  }

  /** Learn the answer to this device's request, waiting up to `waitSeconds`. */
  completeConnection(options: CompleteConnectionOptions = {}): Promise<ConnectionOutcome> {
    return completeConnection(this.context, options);
  }

  /** The verified pending requests (witnesses recomputed here). */
  pendingConnections(options: Cancellable = {}): Promise<PendingConnections> {
    return listPendingConnections(this.context, options);
  }

  /** Accept the pending request named by its ID, device UDF or witness, as `role` (member). */
  acceptConnection(selector: string, options: AcceptOptions = {}): Promise<AcceptedConnection> {
    return acceptConnection(this.context, selector, options);
  }

  /** Make a device of the account an administrator or a member (docs/device-flows.md "Roles"). */
  setDeviceRole(device: string, role: string, options: Cancellable = {}): Promise<RoleChange> {
    return setDeviceRole(this.context, device, role, options);
  }

  /** Refuse the pending request named by its ID, device UDF or witness. */
  rejectConnection(selector: string, options: Cancellable = {}): Promise<RejectedConnection> {
    return rejectConnection(this.context, selector, options);
  }

  /** Accept every pending request that proves a PIN this device issued. */
  acceptPinConnections(options: Cancellable = {}): Promise<AcceptedConnection[]> {
    return acceptPinConnections(this.context, options);
  }

  /** Wait for a request proving the PIN `pinId` and accept it (TIMEOUT after `timeoutSeconds`). */
  awaitPinConnection(
    pinId: string,
    options: { timeoutSeconds: number; intervalMs?: number } & Cancellable,
  ): Promise<AcceptedConnection> {
    return awaitPinConnection(this.context, pinId, options);
  }

  /** Issue a one-time PIN (and its mcu:// URI) for connecting a device. */
  issuePin(options: { expiresInMs?: number } & Cancellable = {}): Promise<IssuedPinView> {
    return issuePin(this.context, options);
  }

  /** The devices of the account. */
  listDevices(options: { offline?: boolean } & Cancellable = {}): Promise<DeviceListing[]> {
    return listDevices(this.context, options);
  }

  /** Remove a device from the account. */
  removeDevice(udf: string, options: Cancellable = {}): Promise<RemovedDevice> {
    return removeDevice(this.context, udf, options);
  }

  /** Split the master seed into k-of-n escrow shares. */
  createEscrowShares(options: { shares: number; threshold: number }): Promise<EscrowShares> {
    return createEscrowShares(this.context, options);
  }

  /** Recover an account onto this fresh home from escrow shares. */
  recover(options: RecoverOptions): Promise<RecoveredAccount> {
    return recoverAccount(this.context, options);
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
          this.context.account()?.role === 'administrator' && (options.acceptPinRequests ?? true);
        const waitSeconds = first ? 0 : maxWait;
        const started = Date.now();
        const { pending, newest } = await listPendingConnections(this.context, {
          signal: options.signal,
          waitSeconds,
          after,
        });
        const news = newest > after;
        after = Math.max(after, newest);
        first = false;
        for (const request of pending) {
          if (acceptingPins && request.pinVerified) {
            await acceptPending(this.context, request, { signal: options.signal });
            continue;
          }
          const key = `${request.deviceUdf}/${request.witness}`;
          if (seen.has(key)) continue;
          seen.add(key);
          this.context.events.emit('pending-connection', {
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

  /** Close the home: the applications (their keys wiped), then the home (lock released). */
  async close(): Promise<void> {
    for (const stop of this.#stops.splice(0)) stop();
    await this.#applications.close();
    await this.context.close();
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
