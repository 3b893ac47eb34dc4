/**
 * The connection URI of the PIN/QR flow (docs/architecture.md section 7;
 * draft-hallambaker-mesh-protocol-00 section 8.2): `mcu://ACCOUNT/PIN?udf=PROFILE`, e.g.
 * `mcu://alice@example.com/ABCD-EFGH-JKLM-NPQR-STUV?udf=MB2G-…`. An administrator device shows it
 * (as text or a QR code); the new device reads the account address, the PIN and the fingerprint
 * (UDF) of the account's master profile from it, and refuses any other profile the service offers
 * (PROFILE_MISMATCH; docs/device-flows.md "Connect by PIN"). The draft names the PIN flow but not
 * the URI's form; the `udf` parameter is this project's (docs/protocol.md "The connection URI").
 * A URI without it (`mcu://ACCOUNT/PIN`) is still read: the PIN alone then binds the profile, by
 * the MAC the administrator puts in its answer (shared/profiles/pin.ts).
 */
import { MeshError } from '../../../shared/errors';
import { normalizePin } from '../../../shared/profiles/pin';
import { normalizeUdf, UDF_MIN_BITS } from '../../../shared/udf';
import { parseAccountAddress, type AccountAddress } from '../protocol/account-address';

/** The URI scheme of a Mesh connection URI. */
export const CONNECTION_URI_SCHEME = 'mcu';

/** The query parameter carrying the master profile's fingerprint. */
const PROFILE_PARAMETER = 'udf';

/** What a connection URI carries. */
export interface ConnectionUri {
  readonly address: AccountAddress;
  readonly pin: string;
  /** The master profile's UDF, when the URI carries it. */
  readonly profileUdf: string | undefined;
}

/** `mcu://ADDRESS/PIN?udf=PROFILE` for an account address, a PIN and its master profile UDF. */
export function formatConnectionUri(address: string, pin: string, profileUdf: string): string {
  return `${CONNECTION_URI_SCHEME}://${parseAccountAddress(address).text}/${pin}?${PROFILE_PARAMETER}=${normalizeUdf(profileUdf)}`;
}

/** True when `text` looks like a connection URI rather than an account address. */
export function isConnectionUri(text: string): boolean {
  return text.toLowerCase().startsWith(`${CONNECTION_URI_SCHEME}://`);
}

/**
 * The account, PIN and profile fingerprint of `mcu://ADDRESS/PIN[?udf=PROFILE]`; INVALID_ARGUMENT
 * naming what is wrong otherwise (never quoting the URI: it holds the PIN).
 */
export function parseConnectionUri(text: string): ConnectionUri {
  if (!isConnectionUri(text)) {
    throw new MeshError('INVALID_ARGUMENT', `not an ${CONNECTION_URI_SCHEME}:// URI`, {
      field: 'uri',
    });
  }
  const afterScheme = text.slice(CONNECTION_URI_SCHEME.length + 3);
  const question = afterScheme.indexOf('?');
  const rest = question < 0 ? afterScheme : afterScheme.slice(0, question);
  const slash = rest.lastIndexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      `a connection URI is ${CONNECTION_URI_SCHEME}://ACCOUNT/PIN?${PROFILE_PARAMETER}=PROFILE`,
      { field: 'uri' },
    );
  }
  const address = parseAccountAddress(decodeURIComponent(rest.slice(0, slash)));
  const pin = decodeURIComponent(rest.slice(slash + 1));
  normalizePin(pin);
  const profileUdf =
    question < 0 ? undefined : profileParameter(new URLSearchParams(afterScheme.slice(question)));
  return { address, pin, profileUdf };
}

function profileParameter(parameters: URLSearchParams): string | undefined {
  const values = parameters.getAll(PROFILE_PARAMETER);
  if (values.length === 0) return undefined;
  const invalid = (message: string): MeshError =>
    new MeshError('INVALID_ARGUMENT', `the connection URI's ${PROFILE_PARAMETER}: ${message}`, {
      field: `uri.${PROFILE_PARAMETER}`,
    });
  if (values.length > 1) throw invalid('given more than once');
  let udf: string;
  try {
    udf = normalizeUdf(values[0]!);
  } catch {
    throw invalid('not a fingerprint');
  }
  // A shortened fingerprint still binds, but not below the UDF minimum (a service could find a
  // profile whose fingerprint begins the same way).
  if (udf.replace(/-/g, '').length * 5 < UDF_MIN_BITS) {
    throw invalid(`shorter than ${UDF_MIN_BITS} bits`);
  }
  return udf;
}
