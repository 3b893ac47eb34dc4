/**
 * From a failure status to a MeshError (draft-hallambaker-mesh-reference-03 section 7.2;
 * docs/architecture.md section 5): one code per status, 409 read per transaction (ALREADY_EXISTS
 * where something is created, CONFLICT otherwise), and the new URI of a redirect in details.uri.
 * The service's StatusDescription is quoted; it never carries secrets (the service never holds
 * any).
 */
import { MeshError, type MeshErrorCode } from '../../../shared/errors';
import { errorForStatus, STATUS } from '../../../shared/protocol/status-codes';
import { transactions, type TransactionName } from '../../../shared/protocol/transactions';

// A 409 means "that name or object is taken" for these, "someone got there first" for the rest.
const createsSomething: ReadonlySet<TransactionName> = new Set(['CreateAccount']);

/** The MeshError code of a failure status for `transaction`. */
export function errorCodeForStatus(transaction: TransactionName, status: number): MeshErrorCode {
  if (status === STATUS.Conflict) {
    return createsSomething.has(transaction) ? 'ALREADY_EXISTS' : 'CONFLICT';
  }
  if (
    status >= 300 &&
    status < 400 &&
    status !== STATUS.RedirectPermanent &&
    status !== STATUS.RedirectTemporary
  ) {
    return 'SERVICE_ERROR';
  }
  return errorForStatus(status);
}

/** The MeshError for a failure answer of `transaction`. */
export function serviceFailure(
  transaction: TransactionName,
  status: number,
  description: string,
): MeshError {
  const code = errorCodeForStatus(transaction, status);
  const details: Record<string, string | number> = { transaction, status };
  if (code === 'REDIRECT') {
    details.uri = description;
    return new MeshError(
      'REDIRECT',
      `the service has moved${status === STATUS.RedirectPermanent ? ' permanently' : ''} to ${description}`,
      details,
    );
  }
  const said = description.trim() === '' ? '' : `: ${truncate(description)}`;
  return new MeshError(code, `${transaction} failed with status ${status}${said}`, details);
}

/** An answer that is not a Mesh response (SERVICE_ERROR, reason malformed-response). */
export function malformedResponse(
  transaction: TransactionName,
  status: number,
  problem: string,
  cause?: unknown,
): MeshError {
  return new MeshError(
    'SERVICE_ERROR',
    `the service sent a malformed ${transactions[transaction].response} (HTTP ${status}): ${truncate(problem)}`,
    { transaction, status, reason: 'malformed-response' },
    cause === undefined ? undefined : { cause },
  );
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
