/**
 * Store `count` signed personal profiles in the Mesh service under test, through its own protocol
 * (CreateAccount, one account per profile, each profile with its own master key), and return
 * the Identifiers a `{"GetRequest":{"Identifier":...}}` fetches (docs/module-contracts.md section
 * 7). Profiles are signed exactly as a device signs them (electron/core/crypto); one device is
 * listed in all of them and signs each CreateAccount's Authorization (docs/protocol.md).
 */
import { deriveKeyPair, generateSeed, KEY_LABELS } from '../../electron/core/crypto/keys';
import type { MeshKeyPair } from '../../electron/core/crypto/keys';
import { signDetached, signJson } from '../../electron/core/crypto/sign';
import {
  authenticationInput,
  encodeAuthenticationSignature,
  formatAuthenticationTime,
  formatAuthorization,
} from '../../shared/protocol/authentication';
import { encodeRequest } from '../../shared/protocol/envelope';
import { randomNonce } from '../../shared/udf';

/** The service the profiles go into. */
export interface PopulateTarget {
  /** The protocol endpoint: http://127.0.0.1:PORT/.well-known/mmm/ */
  readonly endpoint: string;
}

export type PopulateOutcome =
  { readonly identifiers: readonly string[] } | { readonly skipped: string };

const CONCURRENCY = 16;

const entry = (pair: MeshKeyPair) => ({ UDF: pair.udf, PublicParameters: pair.publicJwk });

interface Device {
  readonly sign: MeshKeyPair;
  readonly auth: MeshKeyPair;
  readonly profile: { Identifier: string; SignedData: string };
}

async function makeDevice(): Promise<Device> {
  const seed = generateSeed();
  const sign = deriveKeyPair(seed, KEY_LABELS.deviceSign, 'Ed25519');
  const auth = deriveKeyPair(seed, KEY_LABELS.deviceAuthenticate, 'Ed25519');
  const encrypt = deriveKeyPair(seed, KEY_LABELS.deviceEncrypt, 'X25519');
  const payload = {
    Identifier: sign.udf,
    Description: 'bench device',
    DeviceSignatureKey: entry(sign),
    DeviceAuthenticationKey: entry(auth),
    DeviceEncryptionKey: entry(encrypt),
  };
  return {
    sign,
    auth,
    profile: { Identifier: sign.udf, SignedData: await signJson(payload, sign, 'DeviceProfile') },
  };
}

/** Create account `name` for a fresh master profile listing `device`; returns its Identifier. */
async function createOne(endpoint: string, name: string, device: Device): Promise<string> {
  const seed = generateSeed();
  const masterSign = deriveKeyPair(seed, KEY_LABELS.masterSign, 'Ed25519');
  const online = deriveKeyPair(seed, KEY_LABELS.masterOnlineSign, 'Ed25519');
  const updated = new Date().toISOString();
  const master = {
    Identifier: masterSign.udf,
    SignedData: await signJson(
      {
        Identifier: masterSign.udf,
        Updated: updated,
        MasterSignatureKey: entry(masterSign),
        OnlineSignatureKeys: [entry(online)],
      },
      masterSign,
      'MasterProfile',
    ),
  };
  const personal = {
    Identifier: masterSign.udf,
    SignedData: await signJson(
      {
        Identifier: masterSign.udf,
        Updated: updated,
        SignedMasterProfile: master,
        Devices: [device.profile],
        Applications: [],
      },
      online,
      'PersonalProfile',
    ),
  };
  const body = encodeRequest('CreateAccount', { Account: name, Profile: personal });
  const bytes = new TextEncoder().encode(body);
  const claims = {
    account: name,
    device: device.sign.udf,
    time: formatAuthenticationTime(new Date()),
    nonce: randomNonce(),
  };
  const signature = signDetached(authenticationInput(claims, bytes), device.auth);
  const reply = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: formatAuthorization({
        ...claims,
        signature: encodeAuthenticationSignature(signature),
      }),
    },
    body: bytes,
    signal: AbortSignal.timeout(30_000),
  });
  if (reply.status !== 201) {
    throw new Error(
      `CreateAccount ${name} answered ${reply.status}: ${(await reply.text()).slice(0, 200)}`,
    );
  }
  await reply.arrayBuffer();
  return masterSign.udf;
}

/** Publish `count` signed profiles into the service and return their Identifiers. */
export async function populateProfiles(
  target: PopulateTarget,
  count: number,
): Promise<PopulateOutcome> {
  const device = await makeDevice();
  const identifiers: string[] = new Array<string>(count);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < count; i = next++) {
          identifiers[i] = await createOne(target.endpoint, `bench${i}`, device);
        }
      }),
    );
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  return { identifiers };
}
