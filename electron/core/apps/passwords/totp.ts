import { Secret, TOTP, URI } from 'otpauth';
import { MeshError } from '../../../../shared/errors';

/**
 * Time-based one-time passwords (RFC 6238) for entries with a TOTP secret, computed with
 * `otpauth`. An entry's TOTP field holds either a base32 secret (RFC 4648, as sites show it;
 * spaces, dashes, padding and case are ignored) with the defaults SHA-1, 6 digits, 30 s, or an
 * `otpauth://totp/...` key URI that names its own algorithm, digits and period.
 */

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export type TotpParameters = {
  /** The shared secret, base32 without padding. */
  secretBase32: string;
  algorithm: TotpAlgorithm;
  digits: number;
  /** Time step in seconds. */
  period: number;
  issuer?: string;
  label?: string;
};

export type TotpCode = {
  code: string;
  /** Seconds until the code changes. */
  remainingSeconds: number;
  period: number;
  digits: number;
  algorithm: TotpAlgorithm;
};

const algorithms = new Set<string>(['SHA1', 'SHA256', 'SHA512']);

function invalid(reason: string): MeshError {
  // Never echo the secret itself.
  return new MeshError('INVALID_ARGUMENT', `The TOTP secret is not usable: ${reason}.`, {
    field: 'TOTP',
    reason,
  });
}

function checkShape(parameters: TotpParameters): TotpParameters {
  if (!algorithms.has(parameters.algorithm)) throw invalid('unsupported algorithm');
  if (!Number.isInteger(parameters.digits) || parameters.digits < 6 || parameters.digits > 10) {
    throw invalid('digits must be 6 to 10');
  }
  if (!Number.isInteger(parameters.period) || parameters.period < 1 || parameters.period > 3600) {
    throw invalid('the period must be 1 to 3600 seconds');
  }
  if (parameters.secretBase32.length === 0) throw invalid('the secret is empty');
  return parameters;
}

/** Parses an entry's TOTP field (base32 secret or otpauth://totp/ URI) into parameters. */
export function parseTotp(text: string): TotpParameters {
  const trimmed = text.trim();
  if (/^otpauth:\/\//i.test(trimmed)) {
    let otp: ReturnType<typeof URI.parse>;
    try {
      otp = URI.parse(trimmed);
    } catch {
      throw invalid('the otpauth URI is malformed');
    }
    if (!(otp instanceof TOTP)) throw invalid('only time-based (totp) codes are supported');
    const parameters: TotpParameters = {
      secretBase32: otp.secret.base32,
      algorithm: otp.algorithm.toUpperCase().replace('-', '') as TotpAlgorithm,
      digits: otp.digits,
      period: otp.period,
    };
    if (otp.issuer) parameters.issuer = otp.issuer;
    if (otp.label) parameters.label = otp.label;
    return checkShape(parameters);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) throw invalid('this kind of URI is not supported');
  const base32 = trimmed.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  if (!/^[A-Z2-7]+$/.test(base32)) throw invalid('it is not base32');
  // Canonicalise through the library so an odd trailing length fails here, not later.
  let bytes: Uint8Array;
  try {
    bytes = Secret.fromBase32(base32).bytes;
  } catch {
    throw invalid('it is not base32');
  }
  if (bytes.length === 0) throw invalid('the secret is empty');
  return checkShape({ secretBase32: base32, algorithm: 'SHA1', digits: 6, period: 30 });
}

/** True when an entry's TOTP field can produce codes. */
export function isUsableTotp(text: string): boolean {
  try {
    parseTotp(text);
    return true;
  } catch {
    return false;
  }
}

/** The RFC 6238 code of an entry's TOTP field (or parsed parameters) at time `at`. */
export function totpCode(secret: string | TotpParameters, at: Date = new Date()): TotpCode {
  const parameters = typeof secret === 'string' ? parseTotp(secret) : checkShape(secret);
  const timestamp = at.getTime();
  const code = TOTP.generate({
    secret: Secret.fromBase32(parameters.secretBase32),
    algorithm: parameters.algorithm,
    digits: parameters.digits,
    period: parameters.period,
    timestamp,
  });
  return {
    code,
    remainingSeconds: Math.ceil(TOTP.remaining({ period: parameters.period, timestamp }) / 1000),
    period: parameters.period,
    digits: parameters.digits,
    algorithm: parameters.algorithm,
  };
}

/** An otpauth://totp/ key URI for the parameters (for a QR code or an export). */
export function totpUri(parameters: TotpParameters): string {
  const checked = checkShape(parameters);
  return new TOTP({
    issuer: checked.issuer ?? '',
    label: checked.label ?? 'Mesh',
    secret: Secret.fromBase32(checked.secretBase32),
    algorithm: checked.algorithm,
    digits: checked.digits,
    period: checked.period,
  }).toString();
}
