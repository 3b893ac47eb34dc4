/**
 * What the device flows keep in the local store (docs/architecture.md section 7, "Device state"),
 * each as a named document validated when read back: the account this home belongs to, a connection
 * request awaiting an answer, and the PINs this administrator device issued. Profiles are cached
 * through the store's own profile records (LocalStore.putProfile).
 */
import { z } from 'zod';
import { MeshError } from '../../../shared/errors';
import type { LocalStore } from '../store/local-store';
import { signedObjectSchema } from '../../../shared/profiles/signed-object';

/** What this device may do for its account. */
export const deviceRoles = ['administrator', 'device'] as const;
export type DeviceRole = (typeof deviceRoles)[number];

/** The account this device home is connected to. */
export const accountBindingSchema = z.object({
  /** `local@service` as parseAccountAddress normalises it. */
  address: z.string().min(3),
  /** The local part (lower case): the account field of messages. */
  account: z.string().min(1),
  /** UDF of the master profile (the personal profile's Identifier). */
  profileUdf: z.string().min(1),
  /** UDF of this device's profile. */
  deviceUdf: z.string().min(1),
  /** The name this device gave itself (its profile's Description). */
  deviceName: z.string(),
  /** administrator: holds the online signing key (or the master seed); device: does not. */
  role: z.enum(deviceRoles),
  /** When this home joined the account (RFC 3339). */
  connected: z.string(),
});
export type AccountBinding = z.infer<typeof accountBindingSchema>;

/**
 * A connection request this device sent and awaits the answer to (docs/architecture.md section 7).
 */
export const connectionRequestRecordSchema = z.object({
  address: z.string().min(3),
  account: z.string().min(1),
  profileUdf: z.string().min(1),
  deviceUdf: z.string().min(1),
  deviceName: z.string(),
  clientNonce: z.string(),
  serverNonce: z.string(),
  witness: z.string(),
  /** The signed personal profile the device verified when it asked (what it joins). */
  profile: signedObjectSchema,
  pinVerified: z.boolean(),
  /**
   * Asked with a PIN: base64url(SHA-256) of the PinProfileProof the administrator's answer must
   * carry (electron/core/connect/request-connection.ts).
   */
  pinProfileCheck: z.string().optional(),
  requested: z.string(),
  expires: z.string(),
});
export type ConnectionRequestRecord = z.infer<typeof connectionRequestRecordSchema>;

/**
 * A one-time PIN an administrator device issued (docs/architecture.md section 7, "PIN or QR code").
 */
export const issuedPinSchema = z.object({
  pinId: z.string(),
  /** base64url of the administrator key derived from the PIN; checks PinAdminProof. */
  adminKey: z.string(),
  expires: z.string(),
  issued: z.string(),
});
export type IssuedPin = z.infer<typeof issuedPinSchema>;

const ACCOUNT_DOCUMENT = 'binding';
const REQUEST_DOCUMENT = 'connection-request';
const PIN_PREFIX = 'pin/';

/** The account binding of this home, if it has one. */
export function readAccountBinding(store: LocalStore): AccountBinding | undefined {
  return store.getDocument('account', ACCOUNT_DOCUMENT, accountBindingSchema);
}

/** Record the account this home belongs to. */
export function writeAccountBinding(store: LocalStore, binding: AccountBinding): void {
  store.putDocument('account', ACCOUNT_DOCUMENT, accountBindingSchema.parse(binding));
}

/** Forget the account binding (this device was removed). */
export function deleteAccountBinding(store: LocalStore): void {
  store.deleteDocument('account', ACCOUNT_DOCUMENT);
}

/** The unanswered connection request of this home, if any. */
export function readConnectionRequest(store: LocalStore): ConnectionRequestRecord | undefined {
  return store.getDocument('account', REQUEST_DOCUMENT, connectionRequestRecordSchema);
}

/** Remember the connection request this home sent. */
export function writeConnectionRequest(store: LocalStore, record: ConnectionRequestRecord): void {
  store.putDocument('account', REQUEST_DOCUMENT, connectionRequestRecordSchema.parse(record));
}

/** Forget the connection request (answered, refused or lapsed). */
export function deleteConnectionRequest(store: LocalStore): void {
  store.deleteDocument('account', REQUEST_DOCUMENT);
}

/** A PIN this device issued, by PinID. */
export function readIssuedPin(store: LocalStore, pinId: string): IssuedPin | undefined {
  return store.getDocument('account', PIN_PREFIX + pinId, issuedPinSchema);
}

/** Every PIN this device issued and has not used or dropped. */
export function listIssuedPins(store: LocalStore): IssuedPin[] {
  return store
    .listDocuments('account', z.unknown())
    .filter((document) => document.name.startsWith(PIN_PREFIX))
    .map((document) => {
      const parsed = issuedPinSchema.safeParse(document.value);
      if (!parsed.success) {
        throw new MeshError(
          'STORE_CORRUPT',
          "the local store's record of an issued PIN is damaged",
          {
            reason: 'record',
          },
        );
      }
      return parsed.data;
    });
}

/** Remember an issued PIN's administrator key until it is used or expires. */
export function writeIssuedPin(store: LocalStore, pin: IssuedPin): void {
  store.putDocument('account', PIN_PREFIX + pin.pinId, issuedPinSchema.parse(pin));
}

/** Forget an issued PIN (used, or expired). */
export function deleteIssuedPin(store: LocalStore, pinId: string): void {
  store.deleteDocument('account', PIN_PREFIX + pinId);
}

/** The request as sent: what to show while the administrator decides. */
export interface ConnectionRequestView {
  readonly address: string;
  /** UDF of the master profile this device asked to join. */
  readonly profileUdf: string;
  readonly deviceUdf: string;
  readonly deviceName: string;
  /** The witness to compare with the administrator device's (docs/architecture.md section 4). */
  readonly witness: string;
  /** The service checked the PIN: an administrator approves without comparing witnesses. */
  readonly pinVerified: boolean;
  /** When the request lapses if nobody answers it. */
  readonly expires: string;
}

/** What to show of a stored request. */
export function viewOf(record: ConnectionRequestRecord): ConnectionRequestView {
  return {
    address: record.address,
    profileUdf: record.profileUdf,
    deviceUdf: record.deviceUdf,
    deviceName: record.deviceName,
    witness: record.witness,
    pinVerified: record.pinVerified,
    expires: record.expires,
  };
}
