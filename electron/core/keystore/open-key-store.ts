/**
 * Choosing a device home's KeyStore (docs/architecture.md section 7): the OS keychain unless the
 * file store was asked for explicitly (`--keystore file`, MESH_KEYSTORE=file, or the home's own
 * record). The choice is written into the home the first time, so later runs need no flag, and a
 * home never moves between stores silently: an unavailable keychain is an error with the fix, not a
 * fallback.
 */
import { MeshError } from '../../../shared/errors';
import { describeKind, type DeviceHome, type KeyStoreKind } from '../home/device-home';
import { KEY_FILE, openFileKeyStore } from './file-key-store';
import type { KeyStore } from './key-store';
import { openKeychainKeyStore, type KeychainBackend } from './keychain-key-store';

/** What the user asked for: flag or environment. */
export interface KeyStoreChoice {
  /** `--keystore` or MESH_KEYSTORE; undefined leaves it to the home (default: keychain). */
  readonly kind?: KeyStoreKind | undefined;
  /** The key file's passphrase (MESH_PASSPHRASE); only read for the file store. */
  readonly passphrase?: string | undefined;
}

/** Tuning for tests: another keychain service name or backend, a cheaper scrypt. */
export interface KeyStoreOptions {
  readonly keychainService?: string;
  readonly keychainBackend?: KeychainBackend;
  readonly scryptLogN?: number;
}

/**
 * The choice from the environment (MESH_KEYSTORE = keychain | file, MESH_PASSPHRASE), with a
 * `--keystore` flag value taking precedence. INVALID_ARGUMENT for an unknown kind.
 */
export function keyStoreChoiceFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
  flag?: string,
): KeyStoreChoice {
  const requested = flag ?? env.MESH_KEYSTORE;
  return { kind: parseKeyStoreKind(requested), passphrase: env.MESH_PASSPHRASE };
}

/** 'keychain' | 'file' | undefined from user text; INVALID_ARGUMENT for anything else. */
export function parseKeyStoreKind(text: string | undefined): KeyStoreKind | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const kind = text.trim().toLowerCase();
  if (kind === 'keychain' || kind === 'file') return kind;
  throw new MeshError('INVALID_ARGUMENT', `unknown key store "${text}": use keychain or file`, {
    field: 'keystore',
  });
}

/**
 * Open the KeyStore of `home` (docs/architecture.md section 7). KEYCHAIN_UNAVAILABLE (with the fix)
 * when the keychain does not answer; PASSPHRASE_INVALID when the file store lacks or rejects the
 * passphrase; INVALID_ARGUMENT when the request contradicts the store the home was set up with.
 */
export async function openKeyStore(
  home: DeviceHome,
  choice: KeyStoreChoice,
  options: KeyStoreOptions = {},
): Promise<KeyStore> {
  const recorded = home.keyStoreKind;
  if (recorded !== undefined && choice.kind !== undefined && choice.kind !== recorded) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `this device home keeps its secrets in the ${describeKind(recorded)}; it cannot be opened with the ${describeKind(choice.kind)}`,
      { field: 'keystore' },
    );
  }
  const kind = recorded ?? choice.kind ?? 'keychain';
  const store =
    kind === 'keychain'
      ? await openKeychainKeyStore({
          homeId: home.homeId,
          ...(options.keychainService !== undefined && { service: options.keychainService }),
          ...(options.keychainBackend !== undefined && { backend: options.keychainBackend }),
        })
      : await openFileKeyStore({
          path: home.file(KEY_FILE),
          homeId: home.homeId,
          passphrase: requirePassphrase(choice.passphrase),
          exclusive: (work) => home.exclusive(work),
          ...(options.scryptLogN !== undefined && { scryptLogN: options.scryptLogN }),
        });
  await home.setKeyStoreKind(kind);
  return store;
}

function requirePassphrase(passphrase: string | undefined): string {
  if (passphrase === undefined || passphrase.length === 0) {
    throw new MeshError(
      'PASSPHRASE_INVALID',
      'this device home keeps its secrets in a passphrase-protected file, and no passphrase was given',
      { reason: 'missing' },
    );
  }
  return passphrase;
}
