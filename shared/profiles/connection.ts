/**
 * Device connection objects (draft-hallambaker-mesh-reference-03 section 6.1; docs/architecture.md
 * section 7): the ConnectionRequest a new device signs with its DeviceSignatureKey, and the
 * ConnectionResult an administrator signs with an online signature key of the profile.
 */
import { z } from 'zod';
import { generalJweSchema } from '../crypto/jwe-schema';
import { MeshError } from '../errors';
import { UDF_TYPE, udfMatches } from '../udf';
import { udfSchema } from '../udf-schema';
import { dateTimeSchema } from '../protocol/date-time';
import type { VerifiedDeviceProfile } from './device-profile';
import { verifyDeviceProfile } from './device-profile';
import type { VerifiedPersonalProfile } from './personal-profile';
import type { JwsVerifier, SignedObject } from './signed-object';
import { checkSignedBy, readSignedObject, signedObjectSchema } from './signed-object';

const base64url = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be unpadded base64url');

const connectionRequestShape = {
  /** UDF of the personal profile the device asks to join. */
  ParentUDF: udfSchema(),
  /** The requesting device's signed device profile. */
  Device: signedObjectSchema,
  /** Fresh nonce of the device, bound into the witness (docs/architecture.md section 4). */
  ClientNonce: udfSchema(UDF_TYPE.nonce),
  /**
   * PIN flow (shared/profiles/pin.ts): which PIN, the proof for the service, the proof for the
   * administrator.
   */
  PinID: base64url.optional(),
  PinProof: base64url.optional(),
  PinAdminProof: base64url.optional(),
  Created: dateTimeSchema.optional(),
};

/**
 * ConnectionRequest (draft-hallambaker-mesh-reference-03 section 6.1.1, with the client nonce and
 * PIN proofs of docs/architecture.md section 7).
 */
export const connectionRequestSchema = z.looseObject(connectionRequestShape);

/**
 * The fields a ConnectionRequest may have where nobody vouches for it yet (the service's
 * ConnectStart): an unknown field there is refused, so a stranger cannot make the request, and
 * the log record that keeps it, larger than it needs to be.
 */
export const CONNECTION_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  'ParentUDF',
  'Device',
  'ClientNonce',
  'PinID',
  'PinProof',
  'PinAdminProof',
  'Created',
  // Profile base fields (draft-hallambaker-mesh-reference-03 section 5.1) a signer may add.
  'Identifier',
  'Names',
  'Updated',
  'NotaryToken',
]);
export type ConnectionRequest = z.infer<typeof connectionRequestSchema>;

/** The results an administrator may give (draft-hallambaker-mesh-reference-03 section 6.1.3). */
export const connectionResultValues = ['Accepted', 'Refused', 'Query'] as const;
export type ConnectionResultValue = (typeof connectionResultValues)[number];

/**
 * ConnectionResult (draft-hallambaker-mesh-reference-03 section 6.1.3): inherits ConnectionRequest;
 * ClientNonce may be echoed.
 */
export const connectionResultSchema = z.looseObject({
  ...connectionRequestShape,
  ClientNonce: udfSchema(UDF_TYPE.nonce).optional(),
  Result: z.enum(connectionResultValues),
  /**
   * Accepted as administrator: the online signing key encrypted to the new device
   * (docs/device-flows.md "Roles"; an extension of draft-hallambaker-mesh-reference-03 section
   * 6.1.3).
   */
  OnlineKey: generalJweSchema.optional(),
  /**
   * Answering a request that proved a PIN: the MAC under the PIN's administrator key binding the
   * master profile (shared/profiles/pin.ts; docs/device-flows.md "Connect by PIN"; an extension
   * of draft-hallambaker-mesh-reference-03 section 6.1.3).
   */
  PinProfileProof: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be base64url of 32 bytes')
    .optional(),
});
export type ConnectionResult = z.infer<typeof connectionResultSchema>;

/** A connection request whose signature and device profile have been checked. */
export interface VerifiedConnectionRequest {
  readonly request: ConnectionRequest;
  readonly device: VerifiedDeviceProfile;
  readonly signed: SignedObject;
}

/**
 * Verify a SignedConnectionRequest (draft-hallambaker-mesh-reference-03 section 6.1.2): the device
 * profile inside verifies, and the request is signed by that device's DeviceSignatureKey.
 */
export async function verifyConnectionRequest(
  signed: SignedObject,
  verify: JwsVerifier,
  field = 'SignedRequest',
): Promise<VerifiedConnectionRequest> {
  const { header, payload } = readSignedObject(
    signed,
    'ConnectionRequest',
    connectionRequestSchema,
    field,
    verify,
  );
  const device = await verifyDeviceProfile(payload.Device, verify, `${field}.Device`);
  await checkSignedBy(signed, header, [device.profile.DeviceSignatureKey], verify, field);
  return { request: payload, device, signed };
}

/** A connection result whose signature by an administrator of the profile has been checked. */
export interface VerifiedConnectionResult {
  readonly result: ConnectionResult;
  readonly device: VerifiedDeviceProfile;
  readonly signed: SignedObject;
}

/**
 * Verify a SignedConnectionResult (draft-hallambaker-mesh-reference-03 section 7.14.1): signed by
 * an administration key of the profile (a key in its master profile's OnlineSignatureKeys), naming
 * this profile as parent, and carrying a device profile that verifies.
 */
export async function verifyConnectionResult(
  signed: SignedObject,
  personal: VerifiedPersonalProfile,
  verify: JwsVerifier,
  field = 'Result',
): Promise<VerifiedConnectionResult> {
  const { header, payload } = readSignedObject(
    signed,
    'ConnectionResult',
    connectionResultSchema,
    field,
    verify,
  );
  await checkSignedBy(signed, header, personal.master.profile.OnlineSignatureKeys, verify, field);
  if (!udfMatches(payload.ParentUDF, personal.identifier)) {
    throw new MeshError('UNTRUSTED_PROFILE', `${field}.ParentUDF names another profile`, {
      field: `${field}.ParentUDF`,
    });
  }
  const device = await verifyDeviceProfile(payload.Device, verify, `${field}.Device`);
  return { result: payload, device, signed };
}
