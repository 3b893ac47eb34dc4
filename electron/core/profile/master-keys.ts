/**
 * The master keys (draft-hallambaker-mesh-reference-03 section 3.3, 5.3.2; docs/architecture.md
 * sections 3 and 4): the master signing key (the root of trust), the master escrow key and the
 * online signing key, all derived from the 256-bit master seed, so that the seed alone (kept in the
 * keychain, or rebuilt from escrow shares) regenerates every one of them.
 *
 * An administrator device keeps the online signing key under its own secret name as well, so
 * that it can administer the profile (sign new personal profile versions and connection results)
 * even where the user has chosen not to keep the master seed on the device.
 */
import { MeshError } from '../../../shared/errors';
import { base64urlDecode } from '../../../shared/encoding/base64url';
import {
  deriveKeyPair,
  exportPrivateJwk,
  generateSeed,
  KEY_LABELS,
  MeshKeyPair,
  SEED_BYTES,
} from '../crypto/keys';
import { SECRET_NAMES, type KeyStore } from '../keystore/key-store';

/** The key pairs the master seed regenerates. */
export interface MasterKeys {
  /** MasterSignatureKey: signs the master profile; its UDF is the master profile's UDF. */
  readonly sign: MeshKeyPair;
  /** The master escrow key (X25519): escrowed data is encrypted to it. */
  readonly escrow: MeshKeyPair;
  /** The online signing key: signs personal profiles and connection results. */
  readonly online: MeshKeyPair;
}

/** Derive the master keys from a master seed (HKDF labels of docs/architecture.md section 4). */
export function deriveMasterKeys(seed: Uint8Array): MasterKeys {
  if (seed.length !== SEED_BYTES) {
    throw new MeshError('KEY_INVALID', `a master seed has ${SEED_BYTES} bytes`, {
      bytes: seed.length,
    });
  }
  return {
    sign: deriveKeyPair(seed, KEY_LABELS.masterSign, 'Ed25519'),
    escrow: deriveKeyPair(seed, KEY_LABELS.masterEscrow, 'X25519'),
    online: deriveKeyPair(seed, KEY_LABELS.masterOnlineSign, 'Ed25519'),
  };
}

/**
 * Keep the master seed and the online signing key of an administrator device in its KeyStore
 * (docs/architecture.md section 7, "Create" and "Escrow and recover").
 */
export async function storeMasterSecrets(
  keyStore: KeyStore,
  seed: Uint8Array,
  online: MeshKeyPair,
): Promise<void> {
  await keyStore.set(SECRET_NAMES.masterSeed, seed);
  const privateKey = base64urlDecode(exportPrivateJwk(online).d);
  try {
    await keyStore.set(SECRET_NAMES.onlineSigningSeed, privateKey);
  } finally {
    privateKey.fill(0);
  }
}

/**
 * Keep `online` as this device's online signing key (an administrator device: one accepted or
 * promoted as administrator, or after a rotation; docs/device-flows.md "Roles").
 */
export async function storeOnlineSigningKey(
  keyStore: KeyStore,
  online: MeshKeyPair,
): Promise<void> {
  const privateKey = base64urlDecode(exportPrivateJwk(online).d);
  try {
    await keyStore.set(SECRET_NAMES.onlineSigningSeed, privateKey);
  } finally {
    privateKey.fill(0);
  }
}

/** A fresh, random online signing key (a rotation: nothing derives it, the master key signs it). */
export function newOnlineSigningKey(): MeshKeyPair {
  return MeshKeyPair.fromPrivateKey('Ed25519', KEY_LABELS.masterOnlineSign, generateSeed());
}

/** The online signing key from its 32 private bytes (as decrypted from an Administrators entry). */
export function onlineSigningKeyFrom(privateKey: Uint8Array): MeshKeyPair {
  return importOnlineKey(privateKey);
}

/**
 * Delete the master seed and the online signing key from the KeyStore (undoes storeMasterSecrets).
 */
export async function forgetMasterSecrets(keyStore: KeyStore): Promise<void> {
  await keyStore.delete(SECRET_NAMES.masterSeed);
  await keyStore.delete(SECRET_NAMES.onlineSigningSeed);
}

/**
 * The online signing key of this device, when it is an administrator: from its own secret, else
 * derived from the master seed; undefined when the home holds neither.
 */
export async function loadOnlineSigningKey(keyStore: KeyStore): Promise<MeshKeyPair | undefined> {
  const privateKey = await keyStore.get(SECRET_NAMES.onlineSigningSeed);
  if (privateKey !== undefined) {
    try {
      return importOnlineKey(privateKey);
    } finally {
      privateKey.fill(0);
    }
  }
  const seed = await keyStore.get(SECRET_NAMES.masterSeed);
  if (seed === undefined) return undefined;
  try {
    const keys = deriveMasterKeys(seed);
    keys.sign.wipe();
    keys.escrow.wipe();
    return keys.online;
  } finally {
    seed.fill(0);
  }
}

/** The master keys of this home, when it keeps the master seed. */
export async function loadMasterKeys(keyStore: KeyStore): Promise<MasterKeys | undefined> {
  const seed = await keyStore.get(SECRET_NAMES.masterSeed);
  if (seed === undefined) return undefined;
  try {
    return deriveMasterKeys(seed);
  } finally {
    seed.fill(0);
  }
}

/** Wipe the private parts of a set of master keys. */
export function wipeMasterKeys(keys: MasterKeys): void {
  keys.sign.wipe();
  keys.escrow.wipe();
  keys.online.wipe();
}

function importOnlineKey(privateKey: Uint8Array): MeshKeyPair {
  if (privateKey.length !== SEED_BYTES) {
    throw new MeshError('STORE_CORRUPT', 'the online signing key in the key store is damaged', {
      reason: 'online-signing-seed',
    });
  }
  // The pair takes ownership of its bytes; the caller wipes its own copy.
  return MeshKeyPair.fromPrivateKey('Ed25519', KEY_LABELS.masterOnlineSign, privateKey.slice());
}
