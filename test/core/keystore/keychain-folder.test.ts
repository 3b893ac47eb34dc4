// `node test/run.mjs` gives the keychain session a keyring folder of its own: gnome-keyring
// writes under a temporary XDG_DATA_HOME, never the user's ~/.local/share/keyrings.
import { existsSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openKeychainKeyStore } from '../../../electron/core/keystore/keychain-key-store';
import { keychainInSession, keychainSkipReason } from './keychain-session';

describe.runIf(keychainInSession)(`the test keychain session${keychainSkipReason}`, () => {
  it('keeps its keyrings in a temporary folder of its own', async () => {
    const dataHome = process.env.XDG_DATA_HOME ?? '';
    expect(dataHome.startsWith(tmpdir())).toBe(true);
    expect(dataHome.startsWith(join(homedir(), '.local'))).toBe(false);
    const store = await openKeychainKeyStore({ homeId: `keychain-folder-${process.pid}` });
    try {
      await store.set('probe', new Uint8Array([1, 2, 3]));
      expect(existsSync(join(dataHome, 'keyrings'))).toBe(true);
      expect(
        readdirSync(join(dataHome, 'keyrings')).some((name) => name.endsWith('.keyring')),
      ).toBe(true);
    } finally {
      await store.delete('probe');
    }
  });
});
