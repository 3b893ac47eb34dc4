/**
 * The lock (docs/architecture.md section 8, settings): the window shows a lock screen and holds no
 * decrypted entries while locked. The program locks on system sleep and screen lock
 * (`powerMonitor` `suspend` and `lock-screen`, when the setting says so), after the set idle
 * time (the system's idle time, read every few seconds), and when the person asks. Unlocking
 * goes through the OS keychain: `unlock` succeeds only when the check (the device's key store
 * answering) does.
 */
/** Why the program is locked. */
export type LockReason = 'user' | 'idle' | 'suspend' | 'lock-screen';

export interface LockState {
  readonly locked: boolean;
  /** Why it locked; null while unlocked. */
  readonly reason: LockReason | null;
}

export interface LockSettings {
  /** Lock after this many minutes without input; 0 never. */
  readonly lockAfterIdleMinutes: number;
  /** Lock on system sleep and screen lock. */
  readonly lockOnSleep: boolean;
}

export interface SessionLockOptions {
  /** Electron's `powerMonitor` (the calls used of it). */
  readonly powerMonitor: {
    on(event: 'suspend' | 'lock-screen', listener: () => void): unknown;
    removeListener(event: 'suspend' | 'lock-screen', listener: () => void): unknown;
    getSystemIdleTime(): number;
  };
  /** The settings, read at every event and idle check. */
  readonly settings: () => LockSettings;
  /** Throws (a MeshError such as KEYCHAIN_UNAVAILABLE) when the OS keychain does not answer. */
  readonly checkKeychain: () => Promise<void>;
  /** Told of every change of state (the renderer's `locked` event, the tray). */
  readonly onChange: (state: LockState) => void;
  /** How often the idle time is read (default 15 s). */
  readonly idleCheckMs?: number;
}

export interface SessionLock {
  state(): LockState;
  lock(reason: LockReason): LockState;
  unlock(): Promise<LockState>;
  /** Stops listening and checking. */
  stop(): void;
}

export function createSessionLock(options: SessionLockOptions): SessionLock {
  let state: LockState = { locked: false, reason: null };
  const set = (next: LockState): LockState => {
    if (next.locked !== state.locked || next.reason !== state.reason) {
      state = next;
      options.onChange(state);
    }
    return state;
  };
  const lock = (reason: LockReason): LockState =>
    state.locked ? state : set({ locked: true, reason });

  const onSuspend = () => {
    if (options.settings().lockOnSleep) lock('suspend');
  };
  const onLockScreen = () => {
    if (options.settings().lockOnSleep) lock('lock-screen');
  };
  options.powerMonitor.on('suspend', onSuspend);
  options.powerMonitor.on('lock-screen', onLockScreen);

  const idleTimer = setInterval(() => {
    const minutes = options.settings().lockAfterIdleMinutes;
    if (minutes <= 0 || state.locked) return;
    if (options.powerMonitor.getSystemIdleTime() >= minutes * 60) lock('idle');
  }, options.idleCheckMs ?? 15_000);
  idleTimer.unref?.();

  return {
    state: () => state,
    lock,
    async unlock() {
      if (!state.locked) return state;
      await options.checkKeychain();
      return set({ locked: false, reason: null });
    },
    stop() {
      clearInterval(idleTimer);
      options.powerMonitor.removeListener('suspend', onSuspend);
      options.powerMonitor.removeListener('lock-screen', onLockScreen);
    },
  };
}
