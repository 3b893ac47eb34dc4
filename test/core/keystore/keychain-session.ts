/**
 * Whether keychain tests can run: inside `node test/run.mjs`, which starts a D-Bus session with
 * an unlocked gnome-keyring and sets MESH_TEST_KEYCHAIN=1. Under CI=true they always run (and
 * fail loudly without a keychain) rather than being skipped.
 */
export const keychainInSession =
  process.env.MESH_TEST_KEYCHAIN === '1' || process.env.CI === 'true';

/** Appended to a suite's name when it is skipped, so the report says why. */
export const keychainSkipReason = keychainInSession
  ? ''
  : ' [skipped: no keychain session; run `node test/run.mjs test/core/keystore`]';
