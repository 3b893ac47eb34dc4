/**
 * Issue a one-time PIN for connecting a device without comparing witnesses (docs/architecture.md
 * section 7, "Connect with a PIN or QR code"; draft-hallambaker-mesh-protocol-00 section 8.2;
 * docs/protocol.md ConnectPin): make a random PIN, register its PinID and service key with the
 * service (which then checks PinProof and uses the PIN up), and keep its administrator key here to
 * check PinAdminProof - a proof the service cannot forge - before approving, and to bind this
 * account's master profile in its answer (PinProfileProof, shared/profiles/pin.ts). The PIN is
 * shown with its `mcu://ACCOUNT/PIN?udf=PROFILE` URI, which names the master profile too.
 */
import { randomBytes } from 'node:crypto';
import { base32Encode } from '../../../shared/encoding/base32';
import { base64urlEncode } from '../../../shared/encoding/base64url';
import { MeshError } from '../../../shared/errors';
import { derivePinKeys } from '../../../shared/profiles/pin';
import { formatDateTime } from '../../../shared/protocol/date-time';
import { formatConnectionUri } from './connection-uri';
import type { DeviceContext } from '../session/device-context';
import { requireAdministration } from '../profile/update-personal-profile';
import { deleteIssuedPin, listIssuedPins, writeIssuedPin } from '../session/device-records';

/** Default life of a PIN: 10 minutes. */
export const DEFAULT_PIN_LIFETIME_MS = 10 * 60_000;
/** Longest life the service accepts: 24 hours. */
export const MAX_PIN_LIFETIME_MS = 24 * 3_600_000;
/** Characters of a PIN: 20 Base32 characters, 100 bits. */
const PIN_CHARACTERS = 20;

/** An issued PIN: secret until the user hands it to the new device. */
export interface IssuedPinView {
  /** The PIN in groups of four, e.g. `ABCD-EFGH-JKLM-NPQR-STUV`. */
  readonly pin: string;
  /** `mcu://ACCOUNT/PIN?udf=PROFILE`, for a QR code (connection-uri.ts). */
  readonly uri: string;
  readonly pinId: string;
  readonly expires: string;
}

/**
 * Issue a PIN valid for `expiresInMs` (default 10 minutes, at most 24 hours). UNAUTHORIZED on a
 * device that does not administer the account.
 */
export async function issuePin(
  context: DeviceContext,
  options: { expiresInMs?: number | undefined; signal?: AbortSignal | undefined } = {},
): Promise<IssuedPinView> {
  const binding = context.requireAccount();
  await requireAdministration(context, options);
  const lifetime = options.expiresInMs ?? DEFAULT_PIN_LIFETIME_MS;
  if (!Number.isFinite(lifetime) || lifetime < 1_000 || lifetime > MAX_PIN_LIFETIME_MS) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'a PIN expires between one second and 24 hours after it is issued',
      { field: 'expires' },
    );
  }
  dropExpiredPins(context);
  const random = randomBytes(13);
  const pin = base32Encode(random).slice(0, PIN_CHARACTERS).match(/.{4}/g)!.join('-');
  random.fill(0);
  const keys = derivePinKeys(pin);
  try {
    const expires = formatDateTime(context.now() + lifetime);
    const client = await context.accountClient();
    const answer = await client.call(
      'ConnectPin',
      {
        AccountID: binding.account,
        PinID: keys.pinId,
        PinKey: base64urlEncode(keys.serviceKey),
        Expires: expires,
      },
      { signal: options.signal },
    );
    writeIssuedPin(context.store, {
      pinId: keys.pinId,
      adminKey: base64urlEncode(keys.adminKey),
      expires: answer.Expires,
      issued: context.timestamp(),
    });
    return {
      pin,
      uri: formatConnectionUri(binding.address, pin, binding.profileUdf),
      pinId: keys.pinId,
      expires: answer.Expires,
    };
  } finally {
    keys.serviceKey.fill(0);
    keys.adminKey.fill(0);
  }
}

/** Forget the administrator keys of PINs that have expired. */
export function dropExpiredPins(context: DeviceContext): void {
  const now = context.now();
  for (const pin of listIssuedPins(context.store)) {
    if (Date.parse(pin.expires) <= now) deleteIssuedPin(context.store, pin.pinId);
  }
}
