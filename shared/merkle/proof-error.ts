/**
 * The one way a Merkle proof fails: MeshError('PROOF_INVALID') with a `reason` from a literal
 * union in its details, so callers and tests branch on what did not match, never on message text
 * (docs/architecture.md section 11, "Logs and storage", after transparency-dev/merkle).
 */
import { MeshError } from '../errors';
import { HASH_SIZE } from './hashing';

export const proofFailureReasons = [
  /** A tree size, index or first/second size is not a non-negative safe integer. */
  'invalid-number',
  /** A hash (leaf, root or proof node) is not HASH_SIZE bytes. */
  'bad-hash-size',
  /** Inclusion: the leaf index is not below the tree size (RFC 9162 2.1.3.2 step 1). */
  'index-out-of-range',
  /** Consistency: the first tree is larger than the second. */
  'size-order',
  /** Consistency between 0 < first < second with no proof nodes (RFC 9162 2.1.4.2 step 1). */
  'empty-proof',
  /** Consistency where first is 0 or equals second: the proof must be empty. */
  'proof-not-empty',
  /** The walk reached the root (sn = 0) with proof nodes left over. */
  'proof-too-long',
  /** The proof ran out before the walk reached the root (sn != 0 at the end). */
  'proof-too-short',
  /** Inclusion: the recomputed root differs from the claimed root. */
  'root-mismatch',
  /** Consistency: the recomputed first root differs from the first checkpoint's root. */
  'first-root-mismatch',
  /** Consistency: the recomputed second root differs from the second checkpoint's root. */
  'second-root-mismatch',
  /** Two checkpoints compared for consistency come from different service keys. */
  'different-log',
] as const;

/** Why a proof did not verify; carried in `MeshError.details.reason`. */
export type ProofFailureReason = (typeof proofFailureReasons)[number];

/** A MeshError('PROOF_INVALID') whose details name the failed check. */
export function proofInvalid(
  reason: ProofFailureReason,
  message: string,
  details: Record<string, string | number | boolean> = {},
): MeshError {
  return new MeshError('PROOF_INVALID', message, { reason, ...details });
}

/** The failure reason of a PROOF_INVALID error, or undefined for any other value. */
export function proofFailureReason(error: unknown): ProofFailureReason | undefined {
  if (!(error instanceof MeshError) || error.code !== 'PROOF_INVALID') return undefined;
  const reason = error.details.reason;
  return (proofFailureReasons as readonly unknown[]).includes(reason)
    ? (reason as ProofFailureReason)
    : undefined;
}

/** Throws 'invalid-number' unless `value` is a non-negative safe integer. */
export function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw proofInvalid('invalid-number', `${name} must be a non-negative integer`, { field: name });
  }
}

/** Throws 'bad-hash-size' unless `hash` is HASH_SIZE bytes. */
export function checkHash(name: string, hash: Uint8Array): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw proofInvalid('bad-hash-size', `${name} must be ${HASH_SIZE} bytes`, {
      field: name,
      expected: HASH_SIZE,
      actual: hash instanceof Uint8Array ? hash.length : -1,
    });
  }
}
