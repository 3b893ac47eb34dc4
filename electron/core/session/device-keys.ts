/**
 * This device's keys (draft-hallambaker-mesh-reference-03 section 3.5, 5.2.2; docs/architecture.md
 * sections 3 and 4): the signature, authentication and encryption key pairs, all derived from one
 * 256-bit device seed kept in the home's KeyStore. The UDF of the signature key is the device's
 * identifier.
 */
import { MeshError } from '../../../shared/errors';
import {
  deriveKeyPair,
  generateSeed,
  KEY_LABELS,
  SEED_BYTES,
  type MeshKeyPair,
} from '../crypto/keys';
import { SECRET_NAMES, type KeyStore } from '../keystore/key-store';

/**
 * The three key pairs of a device (draft-hallambaker-mesh-reference-03 section 5.2.2). Private
 * parts stay in electron/core.
 */
export interface DeviceKeys {
  /** DeviceSignatureKey: signs the device profile and connection requests. */
  readonly sign: MeshKeyPair;
  /** DeviceAuthenticationKey: signs the Authorization header of this device's requests. */
  readonly authenticate: MeshKeyPair;
  /** DeviceEncryptionKey: what application keys are wrapped to for this device. */
  readonly encrypt: MeshKeyPair;
  /**
   * The device's UDF: the UDF of its signature key (draft-hallambaker-mesh-reference-03 section
   * 3.5).
   */
  readonly udf: string;
}

/**
 * Derive the device key pairs from a device seed (HKDF labels of docs/architecture.md section 4).
 */
export function deriveDeviceKeys(seed: Uint8Array): DeviceKeys {
  const sign = deriveKeyPair(seed, KEY_LABELS.deviceSign, 'Ed25519');
  return {
    sign,
    authenticate: deriveKeyPair(seed, KEY_LABELS.deviceAuthenticate, 'Ed25519'),
    encrypt: deriveKeyPair(seed, KEY_LABELS.deviceEncrypt, 'X25519'),
    udf: sign.udf,
  };
}

/** The device keys of this home, or undefined when it has no device seed yet. */
export async function loadDeviceKeys(keyStore: KeyStore): Promise<DeviceKeys | undefined> {
  const seed = await keyStore.get(SECRET_NAMES.deviceSeed);
  if (seed === undefined) return undefined;
  try {
    if (seed.length !== SEED_BYTES) {
      throw new MeshError('STORE_CORRUPT', 'the device seed in the key store has the wrong size', {
        reason: 'device-seed',
      });
    }
    return deriveDeviceKeys(seed);
  } finally {
    seed.fill(0);
  }
}

/**
 * The device keys of this home, generating and storing a fresh device seed the first time
 * (docs/architecture.md section 7, "Create" and "Connect a device").
 */
export async function ensureDeviceKeys(keyStore: KeyStore): Promise<DeviceKeys> {
  const existing = await loadDeviceKeys(keyStore);
  if (existing !== undefined) return existing;
  const seed = generateSeed();
  try {
    await keyStore.set(SECRET_NAMES.deviceSeed, seed);
    return deriveDeviceKeys(seed);
  } finally {
    seed.fill(0);
  }
}

/** Wipe the private parts of a set of device keys (when the context closes). */
export function wipeDeviceKeys(keys: DeviceKeys): void {
  keys.sign.wipe();
  keys.authenticate.wipe();
  keys.encrypt.wipe();
}
