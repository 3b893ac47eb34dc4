/**
 * `session`: the lock (also the `locked` event). Locked, the window shows the lock screen and
 * holds no decrypted entries; unlocking goes through the OS keychain. Dispatched to the
 * program's object (electron/app/desktop-app.ts).
 */
import { lockStateSchema } from '../desktop';
import { method, noRequest } from '../method';

export const sessionMethods = {
  'session.state': method(noRequest, lockStateSchema),
  'session.lock': method(noRequest, lockStateSchema),
  /** KEYCHAIN_UNAVAILABLE (and the window stays locked) when the keychain does not answer. */
  'session.unlock': method(noRequest, lockStateSchema),
} as const;
