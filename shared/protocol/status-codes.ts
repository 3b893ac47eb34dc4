/**
 * Status codes of the Mesh service (draft-hallambaker-mesh-reference-03 section 7.2;
 * docs/architecture.md section 5) and how they map onto the shared MeshError codes, both ways: the
 * service answers a MeshError with its status, the client turns a status back into a MeshError.
 */
import type { MeshErrorCode } from '../errors';

/** The statuses a Mesh response may carry (docs/architecture.md section 5). */
export const STATUS = {
  OK: 200,
  Created: 201,
  Updated: 202,
  RedirectPermanent: 303,
  RedirectTemporary: 307,
  BadRequest: 400,
  Unauthorized: 401,
  NotFound: 404,
  Conflict: 409,
  TooLarge: 413,
  Internal: 500,
  Overloaded: 503,
  /** The service's storage is full (RFC 4918 section 11.5). */
  InsufficientStorage: 507,
} as const;

export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

/** Every status value, for schemas. */
export const statusCodes: readonly StatusCode[] = Object.values(STATUS);

const descriptions: Readonly<Record<StatusCode, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Updated',
  303: 'Moved permanently',
  307: 'Moved temporarily',
  400: 'Bad request',
  401: 'Not authorized',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request too large',
  500: 'Internal error',
  503: 'Overloaded',
  507: 'Insufficient storage',
};

/** The default StatusDescription of a status. */
export function statusDescription(status: StatusCode): string {
  return descriptions[status];
}

/** True for 2xx statuses. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The status the service answers a MeshError of `code` with (never 500 for bad input). */
export function statusForError(code: MeshErrorCode): StatusCode {
  switch (code) {
    case 'INVALID_ARGUMENT':
    case 'INVALID_UDF':
    case 'INVALID_SHARE':
    case 'INVALID_MESSAGE':
    case 'KEY_INVALID':
      return STATUS.BadRequest;
    case 'SIGNATURE_INVALID':
    case 'UNTRUSTED_PROFILE':
    case 'PROFILE_MISMATCH':
    case 'UNAUTHORIZED':
    case 'EXPIRED':
      return STATUS.Unauthorized;
    case 'NOT_FOUND':
      return STATUS.NotFound;
    case 'ALREADY_EXISTS':
    case 'CONFLICT':
      return STATUS.Conflict;
    case 'TOO_LARGE':
      return STATUS.TooLarge;
    case 'OVERLOADED':
      return STATUS.Overloaded;
    case 'REDIRECT':
      return STATUS.RedirectTemporary;
    case 'DISK_FULL':
      return STATUS.InsufficientStorage;
    default:
      return STATUS.Internal;
  }
}

/** The MeshError code a client raises for a failure status it received. */
export function errorForStatus(status: number): MeshErrorCode {
  switch (status) {
    case STATUS.RedirectPermanent:
    case STATUS.RedirectTemporary:
      return 'REDIRECT';
    case STATUS.BadRequest:
      return 'INVALID_MESSAGE';
    case STATUS.Unauthorized:
      return 'UNAUTHORIZED';
    case STATUS.NotFound:
      return 'NOT_FOUND';
    case STATUS.Conflict:
      return 'CONFLICT';
    case STATUS.TooLarge:
      return 'TOO_LARGE';
    case STATUS.Overloaded:
      return 'OVERLOADED';
    case STATUS.InsufficientStorage:
      return 'DISK_FULL';
    default:
      return 'SERVICE_ERROR';
  }
}
