/**
 * SEAM for the Publish measurement (docs/architecture.md section 10: at least 2,000 durable
 * transactions per second through group commit): accounts created in the service under test, and
 * for each a series of new personal profile versions, already signed, as PublishRequest bodies.
 * Each account's bodies must be sent in order (every version's Updated is later than the one
 * before, and the service refuses an older one with 401); bodies of different accounts may go
 * concurrently, and every one answered 202 is a durable transaction. Signing happens here, before
 * the clock starts: the measurement is the service's verify + append + commit.
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
import type { PopulateTarget } from './populate';

/** PublishRequest bodies, one series per account, to send in order within a series. */
export type PublishWorkload =
  { readonly series: readonly (readonly string[])[] } | { readonly skipped: string };

const entry = (pair: MeshKeyPair) => ({ UDF: pair.udf, PublicParameters: pair.publicJwk });

/** Create `accounts` accounts and sign `versions` profile updates for each. */
export async function preparePublishWorkload(
  target: PopulateTarget,
  accounts: number,
  versions: number,
): Promise<PublishWorkload> {
  const deviceSeed = generateSeed();
  const deviceSign = deriveKeyPair(deviceSeed, KEY_LABELS.deviceSign, 'Ed25519');
  const deviceAuth = deriveKeyPair(deviceSeed, KEY_LABELS.deviceAuthenticate, 'Ed25519');
  const deviceEncrypt = deriveKeyPair(deviceSeed, KEY_LABELS.deviceEncrypt, 'X25519');
  const device = {
    Identifier: deviceSign.udf,
    SignedData: await signJson(
      {
        Identifier: deviceSign.udf,
        Description: 'bench device',
        DeviceSignatureKey: entry(deviceSign),
        DeviceAuthenticationKey: entry(deviceAuth),
        DeviceEncryptionKey: entry(deviceEncrypt),
      },
      deviceSign,
      'DeviceProfile',
    ),
  };
  const start = Date.now() - 3_600_000;
  const series: string[][] = [];
  try {
    for (let a = 0; a < accounts; a++) {
      const seed = generateSeed();
      const masterSign = deriveKeyPair(seed, KEY_LABELS.masterSign, 'Ed25519');
      const online = deriveKeyPair(seed, KEY_LABELS.masterOnlineSign, 'Ed25519');
      const master = {
        Identifier: masterSign.udf,
        SignedData: await signJson(
          {
            Identifier: masterSign.udf,
            Updated: new Date(start).toISOString(),
            MasterSignatureKey: entry(masterSign),
            OnlineSignatureKeys: [entry(online)],
          },
          masterSign,
          'MasterProfile',
        ),
      };
      const version = async (v: number) => ({
        Identifier: masterSign.udf,
        SignedData: await signJson(
          {
            Identifier: masterSign.udf,
            Updated: new Date(start + v * 1000).toISOString(),
            SignedMasterProfile: master,
            Devices: [device],
            Applications: [],
          },
          online,
          'PersonalProfile',
        ),
      });
      const name = `publisher${a}`;
      const bytes = new TextEncoder().encode(
        encodeRequest('CreateAccount', { Account: name, Profile: await version(0) }),
      );
      const claims = {
        account: name,
        device: deviceSign.udf,
        time: formatAuthenticationTime(new Date()),
        nonce: randomNonce(),
      };
      const signature = encodeAuthenticationSignature(
        signDetached(authenticationInput(claims, bytes), deviceAuth),
      );
      const reply = await fetch(target.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: formatAuthorization({ ...claims, signature }),
        },
        body: bytes,
        signal: AbortSignal.timeout(30_000),
      });
      if (reply.status !== 201)
        throw new Error(`CreateAccount answered ${reply.status}: ${await reply.text()}`);
      await reply.arrayBuffer();
      const bodies: string[] = [];
      for (let v = 1; v <= versions; v++)
        bodies.push(encodeRequest('Publish', { Profile: await version(v) }));
      series.push(bodies);
    }
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  return { series };
}
