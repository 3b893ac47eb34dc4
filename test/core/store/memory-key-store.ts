import type { KeyStore } from '../../../electron/core/keystore/key-store';

/** A KeyStore in memory, for local-store tests that are not about the keychain. */
export function memoryKeyStore(homeId = 'memory'): KeyStore & { secrets: Map<string, Uint8Array> } {
  const secrets = new Map<string, Uint8Array>();
  return {
    kind: 'file',
    homeId,
    secrets,
    async get(name) {
      const value = secrets.get(name);
      return value === undefined ? undefined : value.slice();
    },
    async set(name, secret) {
      secrets.set(name, secret.slice());
    },
    async delete(name) {
      return secrets.delete(name);
    },
    async list() {
      return [...secrets.keys()].sort();
    },
  };
}
