import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { Secret, TOTP, URI } from 'otpauth';
import { MeshError } from '../../../../shared/errors';

/**
 * Time-based one-time passwords (RFC 6238) for entries with a TOTP secret, computed with
 * `otpauth`. An entry's TOTP field holds either a base32 secret (RFC 4648, as sites show it;
 * spaces, dashes, padding and case are ignored) with the defaults SHA-1, 6 digits, 30 s, or an
 * `otpauth://totp/...` key URI that names its own algorithm, digits and period, or a Steam Guard
 * secret as Bitwarden exports it (`steam://<base32 secret>`): RFC 6238 with SHA-1 and a 30 s
 * step, the truncated value (RFC 4226 §5.3) written as 5 characters of Steam's alphabet.
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
  /** How the code is written: decimal digits (RFC 6238), or Steam Guard's 5 characters. */
  encoding?: 'steam';
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

/** Steam Guard codes: 5 characters of this alphabet (no vowels, no look-alike digits). */
const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';
const STEAM_CHARACTERS = 5;

function base32Secret(text: string): string {
  const base32 = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  if (!/^[A-Z2-7]+$/.test(base32)) throw invalid('it is not base32');
  // Canonicalise through the library so an odd trailing length fails here, not later.
  let bytes: Uint8Array;
  try {
    bytes = Secret.fromBase32(base32).bytes;
  } catch {
    throw invalid('it is not base32');
  }
  if (bytes.length === 0) throw invalid('the secret is empty');
  return base32;
}

/** A Steam Guard code: the RFC 4226 §5.3 truncation of HMAC-SHA-1 over the step, in base 26. */
function steamCode(secretBase32: string, step: number): string {
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(step));
  const mac = hmac(sha1, Secret.fromBase32(secretBase32).bytes, counter);
  const offset = mac[mac.length - 1]! & 0x0f;
  let value = new DataView(mac.buffer, mac.byteOffset).getUint32(offset) & 0x7fffffff;
  let code = '';
  for (let i = 0; i < STEAM_CHARACTERS; i++) {
    code += STEAM_ALPHABET[value % STEAM_ALPHABET.length];
    value = Math.floor(value / STEAM_ALPHABET.length);
  }
  return code;
}

function invalid(reason: string): MeshError {
  // Never echo the secret itself.
  return new MeshError('INVALID_ARGUMENT', `The TOTP secret is not usable: ${reason}.`, {
    field: 'TOTP',
    reason,
  });
}

function checkShape(parameters: TotpParameters): TotpParameters {
  if (!algorithms.has(parameters.algorithm)) throw invalid('unsupported algorithm');
  if (parameters.encoding === 'steam') {
    if (parameters.digits !== STEAM_CHARACTERS || parameters.algorithm !== 'SHA1') {
      throw invalid('a Steam Guard code is 5 characters made with SHA-1');
    }
  } else if (
    !Number.isInteger(parameters.digits) ||
    parameters.digits < 6 ||
    parameters.digits > 10
  ) {
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
  if (/^steam:\/\//i.test(trimmed)) {
    return checkShape({
      secretBase32: base32Secret(trimmed.slice('steam://'.length)),
      algorithm: 'SHA1',
      digits: STEAM_CHARACTERS,
      period: 30,
      encoding: 'steam',
    });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) throw invalid('this kind of URI is not supported');
  return checkShape({
    secretBase32: base32Secret(trimmed),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
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
  const code =
    parameters.encoding === 'steam'
      ? steamCode(parameters.secretBase32, Math.floor(timestamp / 1000 / parameters.period))
      : TOTP.generate({
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
  if (checked.encoding === 'steam') return `steam://${checked.secretBase32}`;
  return new TOTP({
    issuer: checked.issuer ?? '',
    label: checked.label ?? 'Mesh',
    secret: Secret.fromBase32(checked.secretBase32),
    algorithm: checked.algorithm,
    digits: checked.digits,
    period: checked.period,
  }).toString();
}
