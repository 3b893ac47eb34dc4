/**
 * Test identities: master, device and personal profiles, connection requests and results, signed
 * with the device core's real key derivation and JWS signing (electron/core/crypto), exactly as a
 * device would make them (draft-hallambaker-mesh-reference-03 sections 3 and 5;
 * docs/architecture.md section 3).
 */
import { randomNonce } from '../../../shared/udf';
import type { SignedObject } from '../../../shared/profiles/signed-object';
import type { MeshKeyPair } from '../../../electron/core/crypto/keys';
import { deriveKeyPair, generateSeed, KEY_LABELS } from '../../../electron/core/crypto/keys';
import { signJson } from '../../../electron/core/crypto/sign';

const entry = (pair: MeshKeyPair) => ({ UDF: pair.udf, PublicParameters: pair.publicJwk });

/** A device: its keys and its self-signed device profile. */
export interface TestDevice {
  readonly description: string;
  readonly sign: MeshKeyPair;
  readonly auth: MeshKeyPair;
  readonly encrypt: MeshKeyPair;
  readonly profile: SignedObject;
  /** The device profile's UDF (= its Identifier). */
  readonly udf: string;
}

/** Make a device and sign its profile. */
export async function makeDevice(description = 'test device'): Promise<TestDevice> {
  const seed = generateSeed();
  const sign = deriveKeyPair(seed, KEY_LABELS.deviceSign, 'Ed25519');
  const auth = deriveKeyPair(seed, KEY_LABELS.deviceAuthenticate, 'Ed25519');
  const encrypt = deriveKeyPair(seed, KEY_LABELS.deviceEncrypt, 'X25519');
  const payload = {
    Identifier: sign.udf,
    Description: description,
    DeviceSignatureKey: entry(sign),
    DeviceAuthenticationKey: entry(auth),
    DeviceEncryptionKey: entry(encrypt),
  };
  const profile = {
    Identifier: sign.udf,
    SignedData: await signJson(payload, sign, 'DeviceProfile'),
  };
  return { description, sign, auth, encrypt, profile, udf: sign.udf };
}

/** A master profile: the root keys and the signed master profile. */
export interface TestMaster {
  readonly masterSign: MeshKeyPair;
  readonly online: MeshKeyPair[];
  readonly escrow: MeshKeyPair;
  readonly signed: SignedObject;
  readonly udf: string;
}

/** Make a master profile with `onlineKeys` online signature keys. */
export async function makeMaster(
  options: { onlineKeys?: MeshKeyPair[]; updated?: Date; masterSign?: MeshKeyPair } = {},
): Promise<TestMaster> {
  const seed = generateSeed();
  const masterSign = options.masterSign ?? deriveKeyPair(seed, KEY_LABELS.masterSign, 'Ed25519');
  const online = options.onlineKeys ?? [
    deriveKeyPair(seed, KEY_LABELS.masterOnlineSign, 'Ed25519'),
  ];
  const escrow = deriveKeyPair(seed, KEY_LABELS.masterEscrow, 'X25519');
  const payload = {
    Identifier: masterSign.udf,
    Updated: (options.updated ?? new Date(Date.now() - 60_000)).toISOString(),
    MasterSignatureKey: entry(masterSign),
    MasterEscrowKeys: [entry(escrow)],
    OnlineSignatureKeys: online.map(entry),
  };
  const signed = {
    Identifier: masterSign.udf,
    SignedData: await signJson(payload, masterSign, 'MasterProfile'),
  };
  return { masterSign, online, escrow, signed, udf: masterSign.udf };
}

/** A signed personal profile of `master` listing `devices`. */
export async function personalProfile(
  master: TestMaster,
  devices: readonly TestDevice[],
  options: { updated?: Date; signer?: MeshKeyPair; names?: string[]; identifier?: string } = {},
): Promise<SignedObject> {
  const payload = {
    Identifier: master.udf,
    Updated: (options.updated ?? new Date()).toISOString(),
    ...(options.names === undefined ? {} : { Names: options.names }),
    SignedMasterProfile: master.signed,
    Devices: devices.map((device) => device.profile),
    Applications: [],
  };
  const signer = options.signer ?? (master.online[0] as MeshKeyPair);
  return {
    Identifier: options.identifier ?? master.udf,
    SignedData: await signJson(payload, signer, 'PersonalProfile'),
  };
}

/** A user: a master profile, devices, and a clock of profile versions. */
export class TestUser {
  private version = Date.now() - 30_000;

  constructor(
    readonly master: TestMaster,
    readonly devices: TestDevice[],
  ) {}

  /** A new user with one device. */
  static async create(deviceName = 'first device'): Promise<TestUser> {
    return new TestUser(await makeMaster(), [await makeDevice(deviceName)]);
  }

  get device(): TestDevice {
    return this.devices[0] as TestDevice;
  }

  /** The next version of the personal profile, listing `devices` (default: the user's). */
  async profile(
    devices: readonly TestDevice[] = this.devices,
    options: { signer?: MeshKeyPair; names?: string[]; updated?: Date } = {},
  ): Promise<SignedObject> {
    this.version += 1000;
    return personalProfile(this.master, devices, {
      updated: options.updated ?? new Date(this.version),
      ...(options.signer === undefined ? {} : { signer: options.signer }),
      ...(options.names === undefined ? {} : { names: options.names }),
    });
  }
}

/** A SignedConnectionRequest of `device` to join `parentUdf`. */
export async function connectionRequest(
  device: TestDevice,
  parentUdf: string,
  options: {
    clientNonce?: string;
    pinId?: string;
    pinProof?: string;
    pinAdminProof?: string;
    signer?: MeshKeyPair;
  } = {},
): Promise<{ signed: SignedObject; clientNonce: string }> {
  const clientNonce = options.clientNonce ?? randomNonce();
  const payload = {
    ParentUDF: parentUdf,
    Device: device.profile,
    ClientNonce: clientNonce,
    ...(options.pinId === undefined ? {} : { PinID: options.pinId }),
    ...(options.pinProof === undefined ? {} : { PinProof: options.pinProof }),
    ...(options.pinAdminProof === undefined ? {} : { PinAdminProof: options.pinAdminProof }),
  };
  const signed = {
    Identifier: device.udf,
    SignedData: await signJson(payload, options.signer ?? device.sign, 'ConnectionRequest'),
  };
  return { signed, clientNonce };
}

/** A SignedConnectionResult for `device`, signed by an online key of `master` (or `signer`). */
export async function connectionResult(
  master: TestMaster,
  device: TestDevice,
  result: 'Accepted' | 'Refused' | 'Query',
  signer?: MeshKeyPair,
): Promise<SignedObject> {
  const payload = { ParentUDF: master.udf, Device: device.profile, Result: result };
  return {
    Identifier: device.udf,
    SignedData: await signJson(
      payload,
      signer ?? (master.online[0] as MeshKeyPair),
      'ConnectionResult',
    ),
  };
}
