/**
 * The desktop program's own namespaces of the IPC table (docs/core-api.md section 2):
 * `settings` (the service, the lock, the clipboard time, a health check of the service),
 * `session` (lock, unlock through the OS keychain, the lock state) and `clipboard` (copy,
 * cleared after the set time). Settings live in desktop-settings.json (nothing secret); a change
 * of service takes effect at the next start, as the service is chosen before the window opens.
 */
import { MeshError, isMeshError } from '../../shared/errors';
import {
  defaultDesktopPreferences,
  type DesktopPreferences,
  type DesktopSettingsUpdate,
  type DesktopSettingsView,
  type LockStateView,
} from '../../shared/ipc/desktop';
import { WELL_KNOWN_PATH } from '../core/protocol/discovery';
import { MeshServiceClient } from '../core/protocol/mesh-service-client';
import { createClipboardGuard, type ClipboardGuardOptions } from './clipboard-guard';
import {
  readDesktopSettings,
  updateDesktopSettings,
  type DesktopSettings,
} from './desktop-settings';
import { createSessionLock, type SessionLockOptions } from './session-lock';

export interface DesktopAppOptions {
  /** The folder of desktop-settings.json (Electron's userData). */
  readonly userData: string;
  readonly clipboard: ClipboardGuardOptions['clipboard'];
  readonly powerMonitor: SessionLockOptions['powerMonitor'];
  /** Throws when the OS keychain does not answer (the core's key store check). */
  readonly checkKeychain: () => Promise<void>;
  /** The lock state changed: tell the renderer (`locked` event), empty what it holds. */
  readonly onLockChange: (state: LockStateView) => void;
  /** The URL of the service in use now, for the health check (null while none is ready). */
  readonly serviceUrl: () => Promise<string | null>;
  readonly warn?: (message: string) => void;
  readonly idleCheckMs?: number;
  /** Time the health check waits (default 5 s). */
  readonly healthTimeoutMs?: number;
}

export interface ServiceCheck {
  readonly reachable: boolean;
  readonly latencyMs: number | null;
  readonly code: string | null;
}

/** The object the app namespaces dispatch to, one group per namespace. */
export interface DesktopApp {
  readonly settings: {
    get(): Promise<DesktopSettingsView>;
    update(change: DesktopSettingsUpdate): Promise<DesktopSettingsView>;
    checkService(request: { url?: string }): Promise<ServiceCheck>;
  };
  readonly session: {
    state(): Promise<LockStateView>;
    lock(): Promise<LockStateView>;
    unlock(): Promise<LockStateView>;
  };
  readonly clipboard: {
    copy(request: { text: string }): Promise<{ clearsAt: string }>;
  };
  /** Stops the lock's watchers and clears a pending copy (at quit). */
  close(): void;
}

function preferencesOf(settings: DesktopSettings): DesktopPreferences {
  return {
    lockAfterIdleMinutes:
      settings.lockAfterIdleMinutes ?? defaultDesktopPreferences.lockAfterIdleMinutes,
    lockOnSleep: settings.lockOnSleep ?? defaultDesktopPreferences.lockOnSleep,
    clipboardSeconds: settings.clipboardSeconds ?? defaultDesktopPreferences.clipboardSeconds,
  };
}

function viewOf(settings: DesktopSettings): DesktopSettingsView {
  return {
    ...preferencesOf(settings),
    service:
      settings.serviceUrl === undefined
        ? { kind: 'embedded' }
        : { kind: 'configured', url: settings.serviceUrl },
  };
}

export async function createDesktopApp(options: DesktopAppOptions): Promise<DesktopApp> {
  let current = await readDesktopSettings(options.userData, options.warn);
  const lock = createSessionLock({
    powerMonitor: options.powerMonitor,
    settings: () => preferencesOf(current),
    checkKeychain: options.checkKeychain,
    onChange: options.onLockChange,
    ...(options.idleCheckMs === undefined ? {} : { idleCheckMs: options.idleCheckMs }),
  });
  const guard = createClipboardGuard({
    clipboard: options.clipboard,
    seconds: () => preferencesOf(current).clipboardSeconds,
  });

  return {
    settings: {
      get: async () => viewOf(current),
      async update(change) {
        const { service, ...preferences } = change;
        const next: Partial<DesktopSettings> = { ...preferences };
        if (service !== undefined) {
          next.serviceUrl = service.kind === 'configured' ? service.url : undefined;
        }
        current = await updateDesktopSettings(options.userData, next);
        return viewOf(current);
      },
      async checkService(request) {
        const url = request.url ?? (await options.serviceUrl());
        if (url === null) return { reachable: false, latencyMs: null, code: 'SERVICE_ERROR' };
        // A service named by its base URL answers under /.well-known/mmm/.
        const endpoint = new URL(url).pathname.endsWith(WELL_KNOWN_PATH)
          ? url
          : new URL(WELL_KNOWN_PATH, url).toString();
        const client = new MeshServiceClient({
          url: endpoint,
          timeoutMs: options.healthTimeoutMs ?? 5_000,
          retry: { maxAttempts: 1 },
        });
        const start = performance.now();
        try {
          await client.call('Hello', {});
          return { reachable: true, latencyMs: Math.round(performance.now() - start), code: null };
        } catch (error) {
          return {
            reachable: false,
            latencyMs: null,
            code: isMeshError(error) ? error.code : 'NETWORK',
          };
        }
      },
    },
    session: {
      state: async () => lock.state(),
      lock: async () => lock.lock('user'),
      async unlock() {
        try {
          return await lock.unlock();
        } catch (error) {
          if (isMeshError(error)) throw error;
          throw new MeshError('KEYCHAIN_UNAVAILABLE', 'the keychain did not answer');
        }
      },
    },
    clipboard: {
      copy: async ({ text }) => guard.copy(text),
    },
    close() {
      lock.stop();
      guard.clearNow();
    },
  };
}
