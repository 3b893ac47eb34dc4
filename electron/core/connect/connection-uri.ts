/**
 * The connection URI of the PIN/QR flow (docs/architecture.md section 7;
 * draft-hallambaker-mesh-protocol-00 section 8.2): `mcu://ACCOUNT/PIN`, e.g.
 * `mcu://alice@example.com/ABCD-EFGH-JKLM-NPQR-STUV`. An administrator device shows it (as text or
 * a QR code); the new device reads the account address and the PIN from it.
 */
import { MeshError } from '../../../shared/errors';
import { normalizePin } from '../../../shared/profiles/pin';
import { parseAccountAddress, type AccountAddress } from '../protocol/account-address';

/** The URI scheme of a Mesh connection URI. */
export const CONNECTION_URI_SCHEME = 'mcu';

/** `mcu://ADDRESS/PIN` for an account address and a PIN. */
export function formatConnectionUri(address: string, pin: string): string {
  return `${CONNECTION_URI_SCHEME}://${parseAccountAddress(address).text}/${pin}`;
}

/** True when `text` looks like a connection URI rather than an account address. */
export function isConnectionUri(text: string): boolean {
  return text.toLowerCase().startsWith(`${CONNECTION_URI_SCHEME}://`);
}

/**
 * The account and PIN of `mcu://ADDRESS/PIN`; INVALID_ARGUMENT naming what is wrong otherwise
 * (never quoting the URI: it holds the PIN).
 */
export function parseConnectionUri(text: string): { address: AccountAddress; pin: string } {
  if (!isConnectionUri(text)) {
    throw new MeshError('INVALID_ARGUMENT', `not an ${CONNECTION_URI_SCHEME}:// URI`, {
      field: 'uri',
    });
  }
  const rest = text.slice(CONNECTION_URI_SCHEME.length + 3);
  const slash = rest.lastIndexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `a connection URI is ${CONNECTION_URI_SCHEME}://ACCOUNT/PIN`,
      { field: 'uri' },
    );
  }
  const address = parseAccountAddress(decodeURIComponent(rest.slice(0, slash)));
  const pin = decodeURIComponent(rest.slice(slash + 1));
  normalizePin(pin);
  return { address, pin };
}
