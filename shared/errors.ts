/**
 * One set of error codes for the service, the core, the CLI and IPC (docs/architecture.md section
 * 11, after jose): one base class, a stable `code` from a literal union, structured fields, never
 * matching on message text. Messages never carry secret material.
 */
export const meshErrorCodes = [
  // input and encoding
  'INVALID_ARGUMENT',
  'INVALID_UDF',
  'INVALID_SHARE',
  'INVALID_MESSAGE',
  // cryptography
  'SIGNATURE_INVALID',
  'DECRYPTION_FAILED',
  'NOT_A_RECIPIENT',
  'KEY_INVALID',
  // trust and the log
  'UNTRUSTED_PROFILE',
  'PROOF_INVALID',
  'LOG_INCONSISTENT',
  /** The service offered another master profile than the one a connection URI or PIN binds. */
  'PROFILE_MISMATCH',
  // protocol status (draft-hallambaker-mesh-reference-03 section 7.2)
  'UNAUTHORIZED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'TOO_LARGE',
  'OVERLOADED',
  'REDIRECT',
  'SERVICE_ERROR',
  'NETWORK',
  'TIMEOUT',
  'CANCELLED',
  // device state
  'KEYCHAIN_UNAVAILABLE',
  'HOME_LOCKED',
  'PASSPHRASE_INVALID',
  'STORE_CORRUPT',
  'NOT_CONNECTED',
  'EXPIRED',
  /** No space left: details.path on this device, or status 507 from the service. */
  'DISK_FULL',
  // the program itself: a fault in our own code, reported without its details
  'INTERNAL',
] as const;

export type MeshErrorCode = (typeof meshErrorCodes)[number];

/** The one error type every room throws; `code` is what callers branch on. */
export class MeshError extends Error {
  override readonly name = 'MeshError';
  readonly code: MeshErrorCode;
  /** Structured, non-secret details (field names, expected and actual sizes, status codes). */
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(
    code: MeshErrorCode,
    message: string,
    details: Record<string, string | number | boolean> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** True when `value` is a MeshError, optionally of the given code. */
export function isMeshError(value: unknown, code?: MeshErrorCode): value is MeshError {
  return value instanceof MeshError && (code === undefined || value.code === code);
}

/** True for a failure that means "no space left" (ENOSPC, EDQUOT, SQLite's SQLITE_FULL). */
export function isDiskFullError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode, message } = error as {
    code?: unknown;
    errcode?: unknown;
    message?: unknown;
  };
  return (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    code === 'SQLITE_FULL' ||
    // node:sqlite: errcode is SQLite's result code (SQLITE_FULL is 13)
    (code === 'ERR_SQLITE_ERROR' &&
      (errcode === 13 || (typeof errcode === 'number' && (errcode & 0xff) === 13))) ||
    // PostgreSQL: disk_full (class 53, insufficient resources)
    code === '53100' ||
    (typeof message === 'string' &&
      /database or disk is full|No space left on device/i.test(message))
  );
}
