/**
 * Proofs checked against checkpoints (docs/architecture.md section 6): a client holding an earlier
 * checkpoint checks that a newer one extends it, and that an entry is in the log a checkpoint
 * commits to. Signatures are checked separately (verifyCheckpointSignature).
 */
import type { Checkpoint } from './checkpoint';
import { checkpointRoot } from './checkpoint';
import { proofInvalid } from './proof-error';
import { verifyConsistency } from './verify-consistency';
import { verifyInclusion } from './verify-inclusion';

/**
 * Verify that `newer` is an append-only extension of `older` (RFC 9162 2.1.4.2) given the
 * consistency proof PROOF(older.TreeSize, D[newer.TreeSize]). Both must come from the same
 * service key ('different-log'). Throws MeshError('PROOF_INVALID') with details.reason.
 */
export function verifyCheckpointConsistency(
  older: Checkpoint,
  newer: Checkpoint,
  proof: readonly Uint8Array[],
): void {
  if (older.ServiceKey !== newer.ServiceKey) {
    throw proofInvalid('different-log', 'the two checkpoints are signed by different service keys');
  }
  verifyConsistency({
    firstSize: older.TreeSize,
    firstHash: checkpointRoot(older),
    secondSize: newer.TreeSize,
    secondHash: checkpointRoot(newer),
    proof,
  });
}

/**
 * Verify that the leaf with hash `leafHash` is entry `index` of the log `checkpoint` commits to
 * (RFC 9162 2.1.3.2). Throws MeshError('PROOF_INVALID') with details.reason.
 */
export function verifyCheckpointInclusion(
  checkpoint: Checkpoint,
  leafHash: Uint8Array,
  index: number,
  proof: readonly Uint8Array[],
): void {
  verifyInclusion({
    leafHash,
    index,
    treeSize: checkpoint.TreeSize,
    proof,
    rootHash: checkpointRoot(checkpoint),
  });
}
