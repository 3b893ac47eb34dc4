/**
 * The chain of authority (draft-hallambaker-mesh-reference-03 sections 3.3-3.5; docs/architecture.md
 * section 3) as shared/profiles checks it, with both verifiers: shared/crypto/jws.ts verifyJws (the
 * device core's) and the service's node:crypto one, which must agree on every case. Negative cases
 * are data: one mutation each, with the error it must give (docs/architecture.md section 11 "Logs
 * and storage").
 */
import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyJws } from '../../../shared/crypto/jws';
import { base64urlEncode } from '../../../shared/encoding/base64url';
import type { MeshErrorCode } from '../../../shared/errors';
import { isMeshError } from '../../../shared/errors';
import {
  verifyConnectionRequest,
  verifyConnectionResult,
} from '../../../shared/profiles/connection';
import {
  checkPersonalProfileUpdate,
  deviceAuthenticationKey,
  verifyPersonalProfileChain,
} from '../../../shared/profiles/personal-profile';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import {
  computePinProfileProof,
  computePinProof,
  pinProfileDigest,
  derivePinKeys,
  normalizePin,
  pinProofInput,
  verifyPinProof,
} from '../../../shared/profiles/pin';
import type { JwsVerifier, SignedObject } from '../../../shared/profiles/signed-object';
import { verifyJwsNode } from '../../../service/crypto/jws-verifier';
import type { MeshKeyPair } from '../../../electron/core/crypto/keys';
import { deriveKeyPair, generateSeed, KEY_LABELS } from '../../../electron/core/crypto/keys';
import { signDetached, signJson } from '../../../electron/core/crypto/sign';
import {
  connectionRequest,
  connectionResult,
  makeDevice,
  makeMaster,
  personalProfile,
} from '../../service/support/identity';
import type { TestDevice, TestMaster } from '../../service/support/identity';

const entry = (pair: MeshKeyPair) => ({ UDF: pair.udf, PublicParameters: pair.publicJwk });
const newKey = (algorithm: 'Ed25519' | 'X25519' = 'Ed25519') =>
  deriveKeyPair(generateSeed(), KEY_LABELS.masterOnlineSign, algorithm);

/** A compact JWS with any header, signed by `key` (to make what signJson would refuse). */
function signRaw(header: object, payload: object, key: MeshKeyPair): string {
  const encode = (value: object) =>
    base64urlEncode(new TextEncoder().encode(JSON.stringify(value)));
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${base64urlEncode(signDetached(new TextEncoder().encode(input), key))}`;
}

const verifiers: [string, JwsVerifier][] = [
  ['shared verifyJws', verifyJws],
  // A copy without memory, so every case really verifies.
  [
    'service node:crypto',
    Object.assign((c: string, k: Parameters<JwsVerifier>[1]) => verifyJwsNode(c, k), {
      decodeUnverified: verifyJwsNode.decodeUnverified,
    }),
  ],
];

async function failure(
  run: () => Promise<unknown>,
): Promise<{ code: MeshErrorCode; message: string; field: unknown }> {
  try {
    await run();
  } catch (error) {
    if (isMeshError(error))
      return { code: error.code, message: error.message, field: error.details.field };
    throw error;
  }
  throw new Error('expected a MeshError');
}

let master: TestMaster;
let device: TestDevice;
let second: TestDevice;

beforeAll(async () => {
  master = await makeMaster();
  device = await makeDevice('laptop');
  second = await makeDevice('phone');
});

/** Personal profile payload fields, to mutate. */
function personalPayload(overrides: Record<string, unknown> = {}) {
  return {
    Identifier: master.udf,
    Updated: new Date().toISOString(),
    SignedMasterProfile: master.signed,
    Devices: [device.profile],
    Applications: [],
    ...overrides,
  };
}

async function signedPersonal(
  payload: object,
  signer: MeshKeyPair = master.online[0]!,
  identifier = master.udf,
) {
  return { Identifier: identifier, SignedData: await signJson(payload, signer, 'PersonalProfile') };
}

describe.each(verifiers)('verifyPersonalProfileChain with %s', (_name, verify) => {
  it('accepts a well-formed chain and finds each device key', async () => {
    const signed = await personalProfile(master, [device, second]);
    const verified = await verifyPersonalProfileChain(signed, verify);
    expect(verified.identifier).toBe(master.udf);
    expect(verified.devices.map((d) => d.identifier)).toEqual([device.udf, second.udf]);
    expect(verified.signer.UDF).toBe(master.online[0]!.udf);
    expect(deviceAuthenticationKey(verified, second.udf)?.UDF).toBe(second.auth.udf);
    expect(deviceAuthenticationKey(verified, (await makeDevice()).udf)).toBeUndefined();
  });

  const mutations: {
    name: string;
    make: () => Promise<SignedObject>;
    code: MeshErrorCode;
    message?: RegExp;
  }[] = [
    {
      name: 'signed by the master signing key instead of an online key',
      make: () => signedPersonal(personalPayload(), master.masterSign),
      code: 'UNTRUSTED_PROFILE',
      message: /not authorized/,
    },
    {
      name: 'signed by a stranger',
      make: () => signedPersonal(personalPayload(), newKey()),
      code: 'UNTRUSTED_PROFILE',
    },
    {
      name: 'an Identifier that is not the master profile UDF',
      make: () => signedPersonal(personalPayload(), master.online[0], device.udf),
      code: 'UNTRUSTED_PROFILE',
      message: /Identifier/,
    },
    {
      name: 'a signed Identifier that is not the master profile UDF',
      make: () => signedPersonal(personalPayload({ Identifier: device.udf })),
      code: 'UNTRUSTED_PROFILE',
    },
    {
      name: 'a master profile signed by another key (kid of that key)',
      make: async () => {
        const other = newKey();
        const payload = {
          MasterSignatureKey: entry(master.masterSign),
          OnlineSignatureKeys: [entry(master.online[0]!)],
        };
        const forged = {
          Identifier: master.udf,
          SignedData: await signJson(payload, other, 'MasterProfile'),
        };
        return signedPersonal(personalPayload({ SignedMasterProfile: forged }));
      },
      code: 'UNTRUSTED_PROFILE',
    },
    {
      name: 'a master profile signed by another key under the master key kid',
      make: async () => {
        const payload = {
          MasterSignatureKey: entry(master.masterSign),
          OnlineSignatureKeys: [entry(master.online[0]!)],
        };
        const forged = {
          Identifier: master.udf,
          SignedData: signRaw(
            { alg: 'EdDSA', kid: master.masterSign.udf, cty: 'MasterProfile' },
            payload,
            newKey(),
          ),
        };
        return signedPersonal(personalPayload({ SignedMasterProfile: forged }));
      },
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'a master key whose UDF is another key',
      make: async () => {
        const payload = {
          MasterSignatureKey: { UDF: device.udf, PublicParameters: master.masterSign.publicJwk },
          OnlineSignatureKeys: [entry(master.online[0]!)],
        };
        const signed = {
          Identifier: device.udf,
          SignedData: await signJson(payload, master.masterSign, 'MasterProfile'),
        };
        return signedPersonal(personalPayload({ SignedMasterProfile: signed }));
      },
      code: 'UNTRUSTED_PROFILE',
      message: /fingerprint/,
    },
    {
      name: 'an escrow key that is not X25519',
      make: async () => {
        const payload = {
          MasterSignatureKey: entry(master.masterSign),
          MasterEscrowKeys: [entry(newKey())],
          OnlineSignatureKeys: [entry(master.online[0]!)],
        };
        const signed = {
          Identifier: master.udf,
          SignedData: await signJson(payload, master.masterSign, 'MasterProfile'),
        };
        return signedPersonal(personalPayload({ SignedMasterProfile: signed }));
      },
      code: 'UNTRUSTED_PROFILE',
      message: /X25519/,
    },
    {
      name: 'a device profile signed by its authentication key',
      make: async () => {
        const payload = {
          Description: 'x',
          DeviceSignatureKey: entry(device.sign),
          DeviceAuthenticationKey: entry(device.auth),
          DeviceEncryptionKey: entry(device.encrypt),
        };
        const forged = {
          Identifier: device.udf,
          SignedData: await signJson(payload, device.auth, 'DeviceProfile'),
        };
        return signedPersonal(personalPayload({ Devices: [forged] }));
      },
      code: 'UNTRUSTED_PROFILE',
    },
    {
      name: 'a device profile whose Identifier is another key',
      make: async () =>
        signedPersonal(
          personalPayload({ Devices: [{ ...device.profile, Identifier: second.udf }] }),
        ),
      code: 'UNTRUSTED_PROFILE',
    },
    {
      name: 'a device encryption key that is Ed25519',
      make: async () => {
        const payload = {
          Description: 'x',
          DeviceSignatureKey: entry(device.sign),
          DeviceAuthenticationKey: entry(device.auth),
          DeviceEncryptionKey: entry(device.auth),
        };
        const forged = {
          Identifier: device.udf,
          SignedData: await signJson(payload, device.sign, 'DeviceProfile'),
        };
        return signedPersonal(personalPayload({ Devices: [forged] }));
      },
      code: 'UNTRUSTED_PROFILE',
      message: /DeviceEncryptionKey/,
    },
    {
      name: 'a device listed twice',
      make: () => signedPersonal(personalPayload({ Devices: [device.profile, device.profile] })),
      code: 'UNTRUSTED_PROFILE',
      message: /twice/,
    },
    {
      name: 'another type of object (cty DeviceProfile)',
      make: async () => ({ Identifier: master.udf, SignedData: device.profile.SignedData }),
      code: 'INVALID_MESSAGE',
      message: /expected a signed PersonalProfile/,
    },
    {
      name: 'no Updated',
      make: () => signedPersonal({ ...personalPayload(), Updated: undefined }),
      code: 'INVALID_MESSAGE',
      message: /Profile\.Updated/,
    },
    {
      name: 'a payload changed after signing',
      make: async () => {
        const signed = await signedPersonal(personalPayload());
        const [header, , signature] = signed.SignedData.split('.');
        const payload = base64urlEncode(
          new TextEncoder().encode(JSON.stringify(personalPayload({ Devices: [] }))),
        );
        return { ...signed, SignedData: `${header}.${payload}.${signature}` };
      },
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'alg other than EdDSA',
      make: async () => ({
        Identifier: master.udf,
        SignedData: signRaw(
          { alg: 'ES256', kid: master.online[0]!.udf, cty: 'PersonalProfile' },
          personalPayload(),
          master.online[0]!,
        ),
      }),
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'no kid',
      make: async () => ({
        Identifier: master.udf,
        SignedData: signRaw(
          { alg: 'EdDSA', cty: 'PersonalProfile' },
          personalPayload(),
          master.online[0]!,
        ),
      }),
      code: 'SIGNATURE_INVALID',
    },
  ];
  for (const mutation of mutations) {
    it(`refuses ${mutation.name}: ${mutation.code}`, async () => {
      const signed = await mutation.make();
      const error = await failure(() => verifyPersonalProfileChain(signed, verify));
      expect(error.code).toBe(mutation.code);
      if (mutation.message) expect(error.message).toMatch(mutation.message);
    });
  }
});

describe('checkPersonalProfileUpdate (an update must be authorized by the previous version)', () => {
  const verify = verifyJws;
  let current: VerifiedPersonalProfile;
  beforeAll(async () => {
    current = await verifyPersonalProfileChain(
      await personalProfile(master, [device], { updated: new Date(Date.now() - 10_000) }),
      verify,
    );
  });

  it('accepts a newer version signed by an online key', async () => {
    const next = await verifyPersonalProfileChain(
      await personalProfile(master, [device, second]),
      verify,
    );
    expect(() => checkPersonalProfileUpdate(current, next)).not.toThrow();
  });

  it('refuses a version that is not newer (a replay)', async () => {
    const same = await verifyPersonalProfileChain(
      await personalProfile(master, [], { updated: new Date(current.updated) }),
      verify,
    );
    expect(() => checkPersonalProfileUpdate(current, same)).toThrow(/not newer/);
  });

  it('accepts a newer master profile (rotated online key) signed by the master key', async () => {
    const rotated = newKey();
    const newMaster = await makeMaster({
      masterSign: master.masterSign,
      onlineKeys: [rotated],
      updated: new Date(),
    });
    const next = await verifyPersonalProfileChain(
      await personalProfile(newMaster, [device], { signer: rotated }),
      verify,
    );
    expect(() => checkPersonalProfileUpdate(current, next)).not.toThrow();
  });

  it('refuses an older master profile brought back (a retired online key)', async () => {
    const retired = newKey();
    const oldMaster = await makeMaster({
      masterSign: master.masterSign,
      onlineKeys: [retired],
      updated: new Date(Date.now() - 3_600_000),
    });
    const next = await verifyPersonalProfileChain(
      await personalProfile(oldMaster, [device], { signer: retired }),
      verify,
    );
    const error = (() => {
      try {
        checkPersonalProfileUpdate(current, next);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isMeshError(error, 'UNAUTHORIZED')).toBe(true);
  });

  it('refuses a profile of another master key', async () => {
    const other = await makeMaster();
    const next = await verifyPersonalProfileChain(await personalProfile(other, [device]), verify);
    expect(() => checkPersonalProfileUpdate(current, next)).toThrow(/another master profile/);
  });
});

describe.each(verifiers)('connection requests and results with %s', (_name, verify) => {
  it('a request verifies when its device signed it, and not otherwise', async () => {
    const { signed, clientNonce } = await connectionRequest(second, master.udf);
    const verified = await verifyConnectionRequest(signed, verify);
    expect(verified.request.ClientNonce).toBe(clientNonce);
    expect(verified.device.identifier).toBe(second.udf);
    const forged = await connectionRequest(second, master.udf, { signer: device.sign });
    expect((await failure(() => verifyConnectionRequest(forged.signed, verify))).code).toBe(
      'UNTRUSTED_PROFILE',
    );
  });

  it('a result verifies when an online key signed it for this profile', async () => {
    const personal = await verifyPersonalProfileChain(
      await personalProfile(master, [device]),
      verify,
    );
    const result = await verifyConnectionResult(
      await connectionResult(master, second, 'Accepted'),
      personal,
      verify,
    );
    expect(result.result.Result).toBe('Accepted');
    const byDevice = await connectionResult(master, second, 'Accepted', device.sign);
    expect((await failure(() => verifyConnectionResult(byDevice, personal, verify))).code).toBe(
      'UNTRUSTED_PROFILE',
    );
    const other = await makeMaster();
    const foreign = await connectionResult(other, second, 'Accepted');
    expect((await failure(() => verifyConnectionResult(foreign, personal, verify))).code).toBe(
      'UNTRUSTED_PROFILE',
    );
  });
});

describe('PIN proofs', () => {
  it('normalizes the PIN and refuses short or odd ones', () => {
    expect(normalizePin(' k7qd-3mzx ')).toBe('K7QD3MZX');
    expect(() => normalizePin('ab')).toThrow();
    expect(() => normalizePin('ab!cd')).toThrow();
  });

  it('derives keys and proofs as HMAC-SHA-256 (cross-checked with node:crypto)', () => {
    const keys = derivePinKeys('k7qd-3mzx-p2wb');
    const hmac = (key: Buffer | Uint8Array, data: string | Uint8Array) =>
      createHmac('sha256', key).update(data).digest();
    expect(
      Buffer.from(keys.serviceKey).equals(hmac(Buffer.from('K7QD3MZXP2WB'), 'mesh/pin/service')),
    ).toBe(true);
    expect(
      Buffer.from(keys.adminKey).equals(hmac(Buffer.from('K7QD3MZXP2WB'), 'mesh/pin/admin')),
    ).toBe(true);
    expect(keys.pinId).toBe(
      hmac(Buffer.from('K7QD3MZXP2WB'), 'mesh/pin/id').subarray(0, 16).toString('base64url'),
    );
    const claims = { account: 'alice', clientNonce: 'NONCE', deviceUdf: 'DEVICE' };
    expect(new TextDecoder().decode(pinProofInput(claims))).toBe(
      'MMM-PIN-PROOF-1\nalice\nNONCE\nDEVICE',
    );
    const proof = computePinProof(keys.serviceKey, claims);
    expect(proof).toBe(
      hmac(keys.serviceKey, 'MMM-PIN-PROOF-1\nalice\nNONCE\nDEVICE').toString('base64url'),
    );
    expect(verifyPinProof(keys.serviceKey, claims, proof)).toBe(true);
    expect(verifyPinProof(keys.adminKey, claims, proof)).toBe(false);
    expect(verifyPinProof(keys.serviceKey, { ...claims, deviceUdf: 'OTHER' }, proof)).toBe(false);
    expect(verifyPinProof(keys.serviceKey, claims, proof.slice(1))).toBe(false);
  });

  it('binds the master profile with the administrator key (PinProfileProof)', () => {
    const keys = derivePinKeys('k7qd-3mzx-p2wb');
    const claims = {
      account: 'alice',
      clientNonce: 'NONCE',
      deviceUdf: 'DEVICE',
      profileUdf: 'P1',
    };
    const proof = computePinProfileProof(keys.adminKey, claims);
    expect(proof).toBe(
      createHmac('sha256', keys.adminKey)
        .update('MMM-PIN-PROFILE-1\nalice\nNONCE\nDEVICE\nP1')
        .digest('base64url'),
    );
    expect(computePinProfileProof(keys.adminKey, { ...claims, profileUdf: 'P2' })).not.toBe(proof);
    expect(computePinProfileProof(keys.serviceKey, claims)).not.toBe(proof);
    expect(pinProfileDigest(proof)).toBe(createHash('sha256').update(proof).digest('base64url'));
    expect(() => computePinProfileProof(keys.adminKey, { ...claims, profileUdf: 'P\n1' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
