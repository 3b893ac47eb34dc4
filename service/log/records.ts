/**
 * Log records (docs/architecture.md section 6; docs/protocol.md "The log"): the JSON text of one
 * transaction, which is a Merkle leaf as its UTF-8 bytes (RFC 9162 2.1.1). The service writes the
 * text once and stores it verbatim; it is never re-serialized.
 */
import { createHash } from 'node:crypto';

/** The transaction types a record may have. */
export type RecordType =
  | 'CreateAccount'
  | 'DeleteAccount'
  | 'Publish'
  | 'Upload'
  | 'Post'
  | 'ConnectStart'
  | 'ConnectComplete'
  | 'ConnectPin'
  | 'ConnectDismiss';

/** The record text: TransactionID, Time and Type first, then the transaction's fields. */
export function recordText(
  transactionId: number,
  time: number,
  type: RecordType,
  fields: Record<string, unknown>,
): string {
  return JSON.stringify({
    TransactionID: transactionId,
    Time: new Date(time).toISOString(),
    Type: type,
    ...fields,
  });
}

/** SHA-256(0x00 || UTF-8(record)): the RFC 9162 leaf hash, with node:crypto for speed. */
export function recordLeafHash(record: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Buffer.of(0)).update(record, 'utf8').digest());
}
