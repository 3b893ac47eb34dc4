/**
 * The KeyStore (docs/architecture.md section 7, "Device state"): where a device home keeps its
 * secrets (device seed, local-store key, master seed where the user keeps it, online signing seed
 * on administrator devices). One interface, two implementations: the OS keychain (keytar) and a
 * passphrase- protected file for headless machines. Each store is bound to one device home: secrets
 * of two homes on one machine never collide.
 */
import { MeshError } from '../../../shared/errors';
import type { KeyStoreKind } from '../home/device-home';

export type { KeyStoreKind };

/** The secrets of one device home, by name. Values are raw bytes; callers wipe their copies. */
export interface KeyStore {
  readonly kind: KeyStoreKind;
  /** The device home these secrets belong to. */
  readonly homeId: string;
  /** The secret stored under `name`, or undefined when there is none. */
  get(name: string): Promise<Uint8Array | undefined>;
  /** Store (or replace) the secret under `name`. */
  set(name: string, secret: Uint8Array): Promise<void>;
  /** Remove the secret under `name`; true when there was one. */
  delete(name: string): Promise<boolean>;
  /** Names of this home's secrets, sorted. */
  list(): Promise<string[]>;
}

/** Names of the secrets the device core keeps (docs/architecture.md section 7). */
export const SECRET_NAMES = {
  deviceSeed: 'device-seed',
  localStoreKey: 'local-store-key',
  masterSeed: 'master-seed',
  onlineSigningSeed: 'online-signing-seed',
} as const;

const secretNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Throws INVALID_ARGUMENT unless `name` is a secret name: lower-case letters, digits, `.`, `_`,
 * `-`.
 */
export function checkSecretName(name: string): void {
  if (!secretNamePattern.test(name)) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'a secret name is 1 to 64 lower-case letters, digits, ".", "_" or "-"',
      { field: 'name' },
    );
  }
}

/** Throws INVALID_ARGUMENT unless `secret` is non-empty bytes of a sane size. */
export function checkSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length === 0 || secret.length > 4096) {
    throw new MeshError('INVALID_ARGUMENT', 'a secret is 1 to 4096 bytes', { field: 'secret' });
  }
}
