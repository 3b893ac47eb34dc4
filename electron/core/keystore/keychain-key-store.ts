/**
 * The KeyStore in the OS keychain through keytar (docs/architecture.md section 7): macOS Keychain,
 * Windows Credential Manager, the Secret Service (gnome-keyring, KWallet) on Linux. Service name
 * `mesh-desktop`, account `<home-id>/<secret-name>`, the secret base64 in the password field.
 * keytar is a native module loaded on first use, so a machine without it can still use the file key
 * store.
 */
import { MeshError } from '../../../shared/errors';
import { checkSecret, checkSecretName, type KeyStore } from './key-store';

/** The keychain service name under which every Mesh Desktop home keeps its secrets. */
export const KEYCHAIN_SERVICE = 'mesh-desktop';

/** The part of keytar's API this store uses. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

let keytarModule: Promise<KeychainBackend> | undefined;

/** Load keytar once; MeshError KEYCHAIN_UNAVAILABLE when its native module cannot load. */
export function loadKeytar(): Promise<KeychainBackend> {
  keytarModule ??= import('keytar').then(
    (module) => {
      const candidate = (module as { default?: KeychainBackend }).default ?? module;
      return candidate as KeychainBackend;
    },
    (error: unknown) => {
      keytarModule = undefined;
      throw new MeshError(
        'KEYCHAIN_UNAVAILABLE',
        'the OS keychain module (keytar) could not be loaded',
        { reason: 'module' },
        { cause: error },
      );
    },
  );
  return keytarModule;
}

/** Options for the keychain store; `backend` replaces keytar (tests of the error paths only). */
export interface KeychainKeyStoreOptions {
  readonly homeId: string;
  readonly service?: string;
  readonly backend?: KeychainBackend;
}

/** A name no secret is stored under: reading it asks the keychain to answer and reads nothing. */
const AVAILABILITY_PROBE = 'keychain-probe';

/**
 * Open the keychain KeyStore for one home and check that the keychain answers, so a missing or
 * locked keychain is reported now, with the fix, rather than at the first secret. The check reads
 * one absent item of this home: listing would read every home's secrets, and race with other
 * homes deleting theirs.
 */
export async function openKeychainKeyStore(options: KeychainKeyStoreOptions): Promise<KeyStore> {
  const store = keychainKeyStore(options);
  await store.get(AVAILABILITY_PROBE);
  return store;
}

/** The keychain KeyStore for one home, without the availability check. */
export function keychainKeyStore(options: KeychainKeyStoreOptions): KeyStore {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const prefix = `${options.homeId}/`;
  const backend = async (): Promise<KeychainBackend> => options.backend ?? (await loadKeytar());
  const call = async <T>(operation: (keychain: KeychainBackend) => Promise<T>): Promise<T> => {
    const keychain = await backend();
    try {
      return await operation(keychain);
    } catch (error) {
      throw new MeshError(
        'KEYCHAIN_UNAVAILABLE',
        `the OS keychain did not answer (${describe(error)})`,
        { reason: 'service' },
        { cause: error },
      );
    }
  };
  return {
    kind: 'keychain',
    homeId: options.homeId,
    async get(name) {
      checkSecretName(name);
      const value = await call((k) => k.getPassword(service, prefix + name));
      return value === null ? undefined : decodeSecret(value, name);
    },
    async set(name, secret) {
      checkSecretName(name);
      checkSecret(secret);
      await call((k) =>
        k.setPassword(service, prefix + name, Buffer.from(secret).toString('base64')),
      );
    },
    async delete(name) {
      checkSecretName(name);
      return call((k) => k.deletePassword(service, prefix + name));
    },
    async list() {
      const credentials = await call((k) => findCredentialsSettled(k, service));
      return credentials
        .map((credential) => credential.account)
        .filter((account) => account.startsWith(prefix))
        .map((account) => account.slice(prefix.length))
        .sort();
    },
  };
}

/** Reads of the service's items before a vanishing item counts as a failure. */
const LIST_ATTEMPTS = 3;

/**
 * findCredentials reads every item of the service, other homes' too; an item another home
 * deletes meanwhile makes the Secret Service answer "No such secret item". That is a race with
 * a concurrent delete, not a missing keychain, so read again. Other failures are not retried
 * (a locked keychain would prompt again).
 */
async function findCredentialsSettled(
  keychain: KeychainBackend,
  service: string,
): Promise<Array<{ account: string; password: string }>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await keychain.findCredentials(service);
    } catch (error) {
      if (attempt >= LIST_ATTEMPTS || !/No such secret item/i.test(describe(error))) throw error;
    }
  }
}

function decodeSecret(value: string, name: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw new MeshError(
      'STORE_CORRUPT',
      `the keychain item for secret "${name}" is not one Mesh Desktop wrote`,
      { name },
    );
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
