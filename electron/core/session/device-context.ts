/**
 * The device context (docs/architecture.md section 7): everything a device flow needs, opened once
 * per device home - the home and its lock, the KeyStore, the encrypted local store, this device's
 * keys, the account the home is bound to, protocol clients for that account's service, the cached
 * and verified personal profile, events and hooks. Flows (one per file in this folder) take a
 * context as their first argument; electron/core/mesh-device.ts wraps one for the desktop program
 * and the CLI. See README.md in this folder.
 */
import { verifyJws } from '../../../shared/crypto/jws';
import { MeshError } from '../../../shared/errors';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import { verifyPersonalProfileChain } from '../../../shared/profiles/personal-profile';
import type { SignedObject } from '../../../shared/profiles/signed-object';
import { formatDateTime } from '../../../shared/protocol/date-time';
import { parseAccountAddress, type AccountAddress } from '../protocol/account-address';
import type { DiscoveryOptions } from '../protocol/discovery';
import { MeshServiceClient, type MeshServiceClientOptions } from '../protocol/mesh-service-client';
import { deviceRequestSigner, type RequestSigner } from '../protocol/request-signing';
import type { MeshKeyPair } from '../crypto/keys';
import type { DeviceHome } from '../home/device-home';
import type { KeyStore } from '../keystore/key-store';
import type { KeyStoreChoice, KeyStoreOptions } from '../keystore/open-key-store';
import { openDeviceState, type DeviceState } from '../store/device-state';
import type { LocalStore } from '../store/local-store';
import { ensureDeviceKeys, loadDeviceKeys, wipeDeviceKeys, type DeviceKeys } from './device-keys';
import { DeviceEvents } from './device-events';
import { createDeviceHooks, type DeviceHooks } from './device-hooks';
import { readAccountBinding, readConnectionRequest, type AccountBinding } from './device-records';
import type { ConnectionStateEvent } from './device-events';
import { loadOnlineSigningKey } from '../profile/master-keys';

/** The profile type name under which the personal profile is cached. */
export const PERSONAL_PROFILE = 'PersonalProfile';

/** Options of the protocol clients a context makes (timeouts, retries, DNS for discovery). */
export type ServiceClientOptions = Omit<MeshServiceClientOptions, 'url' | 'signer'> &
  Omit<DiscoveryOptions, 'signal'>;

/** How to open a device context. */
export interface DeviceContextOptions {
  /** The device home directory (electron/core/home/paths.ts resolveHomeDirectory). */
  readonly home: string;
  /** Which key store, and its passphrase (default: the home's own, else the OS keychain). */
  readonly keyStore?: KeyStoreChoice;
  readonly keyStoreOptions?: KeyStoreOptions;
  readonly client?: ServiceClientOptions;
  /** The clock, in milliseconds since the epoch (tests move it). */
  readonly now?: () => number;
  /**
   * How long exclusive work waits for another process's before HOME_LOCKED, in milliseconds
   * (default: electron/core/home/lock.ts DEFAULT_LOCK_WAIT_MS).
   */
  readonly lockWaitMs?: number;
}

/** What a device flow works with. Open with openDeviceContext; close when done. */
export interface DeviceContext {
  readonly home: DeviceHome;
  readonly keyStore: KeyStore;
  readonly store: LocalStore;
  readonly events: DeviceEvents;
  readonly hooks: DeviceHooks;
  /** The current time in milliseconds (the context's clock). */
  now(): number;
  /** The current time as an RFC 3339 string. */
  timestamp(): string;

  /** This device's keys, or undefined before the home has a device seed. */
  deviceKeys(): Promise<DeviceKeys | undefined>;
  /** This device's keys, generating the device seed the first time. */
  ensureDeviceKeys(): Promise<DeviceKeys>;

  /** The account this home is connected to, or undefined. */
  account(): AccountBinding | undefined;
  /** The account this home is connected to; NOT_CONNECTED otherwise. */
  requireAccount(): AccountBinding;

  /** An unsigned client for the service of `address` (discovery on first use, then cached). */
  serviceClient(address: string | AccountAddress): Promise<MeshServiceClient>;
  /** The request signer of this device for `account` (its authentication key). */
  requestSigner(account: string): Promise<RequestSigner>;
  /** A client for this home's account, signing as this device; NOT_CONNECTED without one. */
  accountClient(): Promise<MeshServiceClient>;

  /**
   * The cached personal profile of this home's account, its chain verified again on first read;
   * NOT_CONNECTED when the home has none.
   */
  personalProfile(): Promise<VerifiedPersonalProfile>;
  /** Cache a verified personal profile version (and emit profile-updated). */
  cachePersonalProfile(profile: VerifiedPersonalProfile): void;

  /**
   * The online signing key of this administrator device; UNAUTHORIZED (with what to do) when
   * this device does not administer the account.
   */
  administrationKey(): Promise<MeshKeyPair>;
  /** Forget the administration key read so far (the role changed: read the KeyStore again). */
  resetAdministrationKey(): void;

  /**
   * Run `work` with no other process running exclusive work on this home (docs/local-store.md
   * "Sharing a home"): `home` (default) for setting the home up - creating an account, asking to
   * connect, recovering - and for its secrets; `sync` for a sync of its catalogs. HOME_LOCKED when
   * another process keeps the lock too long; CANCELLED when `signal` stops the wait.
   */
  exclusive<T>(
    work: () => Promise<T>,
    lock?: 'home' | 'sync',
    signal?: AbortSignal | undefined,
  ): Promise<T>;
  /**
   * Bring what this process keeps in memory up to what other processes committed to the home
   * since it last looked (the local store's changedElsewhere): the listeners of onChangedElsewhere
   * run, one catch-up at a time. Call before answering from memory.
   */
  catchUp(): Promise<void>;
  /** Run `listener` in each catch-up (catchUp); returns the function that removes it. */
  onChangedElsewhere(listener: () => Promise<void> | void): () => void;

  /** Close the store and wipe the keys held in memory. */
  close(): Promise<void>;
}

/**
 * Open the device context of a home: open its KeyStore and local store under the home's lock,
 * which is then released - other processes may have the home open too (see
 * electron/core/store/device-state.ts for the errors). Keys are loaded when first asked for.
 */
export async function openDeviceContext(options: DeviceContextOptions): Promise<DeviceContext> {
  const state = await openDeviceState(options.home, options.keyStore ?? {}, {
    ...options.keyStoreOptions,
    ...(options.lockWaitMs !== undefined && { lockWaitMs: options.lockWaitMs }),
  });
  return new OpenDeviceContext(state, options);
}

class OpenDeviceContext implements DeviceContext {
  readonly home: DeviceHome;
  readonly keyStore: KeyStore;
  readonly store: LocalStore;
  readonly events = new DeviceEvents();
  readonly hooks = createDeviceHooks();
  readonly #state: DeviceState;
  readonly #clientOptions: ServiceClientOptions;
  readonly #clock: () => number;
  readonly #clients = new Map<string, Promise<MeshServiceClient>>();
  readonly #heldKeys: MeshKeyPair[] = [];
  #deviceKeys: Promise<DeviceKeys | undefined> | undefined;
  #administrationKey: Promise<MeshKeyPair | undefined> | undefined;
  #profile: { signed: SignedObject; verified: Promise<VerifiedPersonalProfile> } | undefined;
  readonly #catchUpListeners = new Set<() => Promise<void> | void>();
  /** Another process committed and not every listener has caught up with it yet. */
  #behind = false;
  #catchingUp: Promise<void> | undefined;
  /** Where the home stood the last time this process looked (connectionNow().key). */
  #seenConnection: string;
  #closed = false;

  constructor(state: DeviceState, options: DeviceContextOptions) {
    this.#state = state;
    this.home = state.home;
    this.keyStore = state.keyStore;
    this.store = state.store;
    this.#clientOptions = options.client ?? {};
    this.#clock = options.now ?? Date.now;
    this.#seenConnection = this.#connectionNow().key;
    // This process's own flows announce their changes; only another process's are news here.
    this.events.on('connection-state', () => (this.#seenConnection = this.#connectionNow().key));
  }

  now(): number {
    return this.#clock();
  }

  timestamp(): string {
    return formatDateTime(this.#clock());
  }

  deviceKeys(): Promise<DeviceKeys | undefined> {
    this.#ensureOpen();
    this.#deviceKeys ??= loadDeviceKeys(this.keyStore).then(
      (keys) => {
        if (keys === undefined) this.#deviceKeys = undefined;
        else this.#hold(keys.sign, keys.authenticate, keys.encrypt);
        return keys;
      },
      (error: unknown) => {
        this.#deviceKeys = undefined;
        throw error;
      },
    );
    return this.#deviceKeys;
  }

  async ensureDeviceKeys(): Promise<DeviceKeys> {
    const existing = await this.deviceKeys();
    if (existing !== undefined) return existing;
    // Under the home's lock, so two processes never make two different device seeds: the one
    // that comes second finds the first one's seed (ensureDeviceKeys looks before it makes one).
    const created = this.exclusive(() => ensureDeviceKeys(this.keyStore));
    this.#deviceKeys = created;
    const keys = await created.catch((error: unknown) => {
      if (this.#deviceKeys === created) this.#deviceKeys = undefined;
      throw error;
    });
    this.#hold(keys.sign, keys.authenticate, keys.encrypt);
    return keys;
  }

  account(): AccountBinding | undefined {
    this.#ensureOpen();
    return readAccountBinding(this.store);
  }

  requireAccount(): AccountBinding {
    const binding = this.account();
    if (binding === undefined) {
      throw new MeshError('NOT_CONNECTED', 'this device is not connected to an account', {
        reason: 'not-connected',
      });
    }
    return binding;
  }

  serviceClient(address: string | AccountAddress): Promise<MeshServiceClient> {
    this.#ensureOpen();
    const parsed = typeof address === 'string' ? parseAccountAddress(address) : address;
    const service = parsed.text.slice(parsed.text.lastIndexOf('@') + 1);
    let client = this.#clients.get(service);
    if (client === undefined) {
      client = MeshServiceClient.forAccount(parsed, this.#clientOptions);
      client.catch(() => this.#clients.delete(service));
      this.#clients.set(service, client);
    }
    return client;
  }

  async requestSigner(account: string): Promise<RequestSigner> {
    const keys = await this.deviceKeys();
    if (keys === undefined) {
      throw new MeshError('NOT_CONNECTED', 'this device home has no device keys yet');
    }
    return deviceRequestSigner({
      account,
      deviceUdf: keys.udf,
      authenticationKey: keys.authenticate,
    });
  }

  async accountClient(): Promise<MeshServiceClient> {
    const binding = this.requireAccount();
    const client = await this.serviceClient(binding.address);
    return client.withSigner(await this.requestSigner(binding.account));
  }

  async personalProfile(): Promise<VerifiedPersonalProfile> {
    const binding = this.requireAccount();
    const cached = this.store.getProfile(PERSONAL_PROFILE, binding.profileUdf);
    if (cached === undefined) {
      throw new MeshError(
        'STORE_CORRUPT',
        'the local store has no personal profile for the account this device is connected to',
        { reason: 'profile-missing' },
      );
    }
    if (
      this.#profile === undefined ||
      this.#profile.signed.SignedData !== cached.signed.SignedData
    ) {
      const verified = verifyPersonalProfileChain(cached.signed, verifyJws);
      this.#profile = { signed: cached.signed, verified };
      verified.catch(() => {
        if (this.#profile?.verified === verified) this.#profile = undefined;
      });
    }
    return this.#profile.verified;
  }

  cachePersonalProfile(profile: VerifiedPersonalProfile): void {
    this.#ensureOpen();
    this.store.putProfile({
      type: PERSONAL_PROFILE,
      identifier: profile.identifier,
      signed: profile.signed,
      verifiedAt: this.timestamp(),
    });
    this.#profile = { signed: profile.signed, verified: Promise.resolve(profile) };
    this.events.emit('profile-updated', {
      profileUdf: profile.identifier,
      updated: profile.profile.Updated,
      devices: profile.devices.length,
    });
  }

  async administrationKey(): Promise<MeshKeyPair> {
    this.#ensureOpen();
    this.#administrationKey ??= loadOnlineSigningKey(this.keyStore).then(
      (key) => {
        if (key === undefined) this.#administrationKey = undefined;
        else this.#hold(key);
        return key;
      },
      (error: unknown) => {
        this.#administrationKey = undefined;
        throw error;
      },
    );
    const key = await this.#administrationKey;
    if (key === undefined) {
      throw new MeshError(
        'UNAUTHORIZED',
        'this device does not administer the account (it holds no online signing key)',
        { reason: 'not-administrator' },
      );
    }
    return key;
  }

  resetAdministrationKey(): void {
    this.#administrationKey = undefined;
  }

  exclusive<T>(
    work: () => Promise<T>,
    lock: 'home' | 'sync' = 'home',
    signal?: AbortSignal | undefined,
  ): Promise<T> {
    this.#ensureOpen();
    return this.home.exclusive(work, lock, signal);
  }

  async catchUp(): Promise<void> {
    this.#ensureOpen();
    if (this.store.changedElsewhere()) this.#behind = true;
    // One catch-up at a time; a call during one waits for it (and for the next, if another
    // process committed meanwhile), so that no answer comes from half-reloaded memory.
    while (this.#behind || this.#catchingUp !== undefined) {
      if (this.#catchingUp === undefined) {
        this.#behind = false;
        const run = this.#runCatchUp().finally(() => {
          if (this.#catchingUp === run) this.#catchingUp = undefined;
        });
        this.#catchingUp = run;
      }
      await this.#catchingUp;
    }
  }

  onChangedElsewhere(listener: () => Promise<void> | void): () => void {
    this.#catchUpListeners.add(listener);
    return () => void this.#catchUpListeners.delete(listener);
  }

  async #runCatchUp(): Promise<void> {
    try {
      // Keys another process made or removed (a role change) are read again when next needed.
      this.#administrationKey = undefined;
      for (const listener of [...this.#catchUpListeners]) await listener();
      // Another process set the home up (created, asked to connect, recovered) or left the
      // account: announce it as this process's own flows would.
      const now = this.#connectionNow();
      if (now.key !== this.#seenConnection) {
        this.#seenConnection = now.key;
        this.events.emit('connection-state', now.event);
      }
    } catch (error) {
      this.#behind = true; // the next call tries again
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#catchUpListeners.clear();
    this.events.clear();
    const keys = await this.#deviceKeys?.catch(() => undefined);
    if (keys !== undefined) wipeDeviceKeys(keys);
    for (const key of this.#heldKeys) key.wipe();
    this.#heldKeys.length = 0;
    await this.#state.close();
  }

  /** The connection state the store holds now, and a key that changes when it does. */
  #connectionNow(): { key: string; event: ConnectionStateEvent } {
    const binding = readAccountBinding(this.store);
    if (binding !== undefined) {
      return {
        key: `connected ${binding.deviceUdf} ${binding.address}`,
        event: { state: 'connected', account: binding.address, deviceUdf: binding.deviceUdf },
      };
    }
    const request = readConnectionRequest(this.store);
    if (request !== undefined) {
      return {
        key: `requested ${request.deviceUdf} ${request.address} ${request.clientNonce}`,
        event: { state: 'requested', account: request.address, deviceUdf: request.deviceUdf },
      };
    }
    return {
      key: 'unconnected',
      event: { state: 'unconnected', account: undefined, deviceUdf: undefined },
    };
  }

  #hold(...keys: MeshKeyPair[]): void {
    this.#heldKeys.push(...keys);
  }

  #ensureOpen(): void {
    if (this.#closed) throw new MeshError('INVALID_ARGUMENT', 'the device context is closed');
  }
}
