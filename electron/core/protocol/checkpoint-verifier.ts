/**
 * Log consistency, device side (docs/architecture.md section 6; section 7): the device keeps the
 * last checkpoint it verified (in the local store) and accepts a new one only when it carries the
 * service's signature - under the service key pinned at first contact (trust on first use; a
 * changed key is an error) - and a consistency proof from the last one (RFC 9162 2.1.4). Items
 * fetched with Full are checked for inclusion (RFC 9162 2.1.3) in a checkpoint so verified. A
 * failed check is MeshError LOG_INCONSISTENT (the log was forked, rolled back or rewritten),
 * PROOF_INVALID (an item is not where the service says) or SIGNATURE_INVALID; never ignored.
 */
import { z } from 'zod';
import { utf8Encode } from '../../../shared/encoding/utf8';
import { MeshError, isMeshError } from '../../../shared/errors';
import {
  parseCheckpointValue,
  signedCheckpointSchema,
  verifyCheckpointSignature,
  type SignedCheckpoint,
} from '../../../shared/merkle/checkpoint';
import { decodeProof, decodeProofText } from '../../../shared/merkle/hash-encoding';
import { leafHash } from '../../../shared/merkle/hashing';
import {
  verifyCheckpointConsistency,
  verifyCheckpointInclusion,
} from '../../../shared/merkle/verify-checkpoints';
import {
  checkPublicKeyEntry,
  publicKeyEntrySchema,
  type PublicKeyEntry,
} from '../../../shared/profiles/public-key-entry';
import type { DataItem, GetResponse } from '../../../shared/protocol/messages/get';
import type { StatusResponse } from '../../../shared/protocol/messages/status';
import { udfMatches } from '../../../shared/udf';
import type { LocalStore } from '../store/local-store';

/** What the device remembers of one service's log (local store, kind "log"). */
const logStateSchema = z.object({
  service: z.string(),
  /** The service's checkpoint key, pinned at first contact. */
  serviceKey: publicKeyEntrySchema,
  pinnedAt: z.string(),
  /** The last checkpoint this device verified. */
  checkpoint: signedCheckpointSchema.optional(),
  verifiedAt: z.string().optional(),
});
type LogState = z.infer<typeof logStateSchema>;

/** Fetches a Status answer, asking for a consistency proof from `fromTreeSize`. */
export type StatusSource = (fromTreeSize: number | undefined) => Promise<StatusResponse>;

/** How many times the log may move on while reconciling one checkpoint. */
const MAX_ROUNDS = 4;

/** The log-consistency state of one service, kept in the device's local store. */
export class CheckpointVerifier {
  readonly #store: LocalStore;
  readonly #service: string;

  /** `service` names the service stably (e.g. the `host[:port]` of the account address). */
  constructor(store: LocalStore, service: string) {
    this.#store = store;
    this.#service = service;
  }

  /** The pinned service key, once there is one. */
  get serviceKey(): PublicKeyEntry | undefined {
    return this.#state()?.serviceKey;
  }

  /** The last verified checkpoint, once there is one. */
  get checkpoint(): SignedCheckpoint | undefined {
    return this.#state()?.checkpoint;
  }

  /** When the last checkpoint was verified (RFC 3339), once one was. */
  get verifiedAt(): string | undefined {
    return this.#state()?.verifiedAt;
  }

  /**
   * Pin the service key from Hello at first contact; afterwards require the same key
   * (LOG_INCONSISTENT, reason service-key-changed, when it differs).
   */
  pinServiceKey(key: PublicKeyEntry): void {
    checkPublicKeyEntry(key, 'Ed25519', 'ServiceKey');
    const state = this.#state();
    if (state === undefined) {
      this.#save({ service: this.#service, serviceKey: key, pinnedAt: new Date().toISOString() });
      return;
    }
    if (!sameKey(state.serviceKey, key)) {
      throw new MeshError(
        'LOG_INCONSISTENT',
        `the service ${this.#service} now signs its log with another key (${key.UDF}, not ${state.serviceKey.UDF}): it may not be the service this device knew`,
        { reason: 'service-key-changed', service: this.#service },
      );
    }
  }

  /**
   * Verify a Status answer's checkpoint (signature, and consistency with the last one) and make
   * it the last verified checkpoint. Returns it.
   */
  acceptStatus(status: StatusResponse): SignedCheckpoint {
    const next = this.#signedCheckpoint(status);
    const last = this.checkpoint;
    if (last !== undefined) this.#checkExtends(last, next, status);
    this.#advance(next);
    return next;
  }

  /**
   * Verify every item of a Full Get answer: its checkpoint is signed and consistent with this
   * device's view of the log (fetching consistency proofs through `status` as needed), and each
   * item's record is included in it at its LeafIndex. An item without a proof is PROOF_INVALID:
   * call this for Full answers only.
   */
  async verifyGetResponse(response: GetResponse, status: StatusSource): Promise<void> {
    const proven = response.DataItems;
    if (proven.length === 0) return;
    if (response.Checkpoint === undefined) {
      throw new MeshError('PROOF_INVALID', 'the answer has items but no checkpoint to prove them', {
        field: 'Checkpoint',
      });
    }
    const checkpoint = this.#verifySignature(response.Checkpoint);
    await this.#reconcile(checkpoint, status);
    for (const item of proven) verifyItemInclusion(item, checkpoint);
  }

  /** Make `target` part of the verified log: consistent with the last verified checkpoint. */
  async #reconcile(target: SignedCheckpoint, status: StatusSource): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const last = this.checkpoint;
      if (last === undefined) {
        this.#advance(target); // first contact: nothing to be consistent with yet
        return;
      }
      if (sameTree(last, target)) return;
      // Prove target is a prefix of the latest checkpoint...
      const fromTarget = await status(target.TreeSize);
      const latest = this.#signedCheckpoint(fromTarget);
      this.#checkExtends(target, latest, fromTarget);
      // ...and that the latest extends what this device saw before.
      if (sameTree(last, latest)) return;
      if (latest.TreeSize > last.TreeSize) {
        const fromLast = await status(last.TreeSize);
        const accepted = this.acceptStatus(fromLast);
        if (sameTree(accepted, latest)) return;
      } else {
        this.#checkExtends(last, latest, undefined); // throws: the log shrank or forked
      }
      // The log moved on between the two answers: go round again.
    }
    throw new MeshError(
      'SERVICE_ERROR',
      'the service log kept moving while this device checked it; try again',
      { reason: 'log-unsettled' },
    );
  }

  /** Throws LOG_INCONSISTENT unless `newer` extends `older` (with the answer's proof). */
  #checkExtends(
    older: SignedCheckpoint,
    newer: SignedCheckpoint,
    answer: StatusResponse | undefined,
  ): void {
    if (newer.TreeSize < older.TreeSize) {
      throw inconsistent(
        'rolled-back',
        `the service shows a log of ${newer.TreeSize} entries after showing ${older.TreeSize}`,
        { from: older.TreeSize, to: newer.TreeSize },
      );
    }
    if (newer.TreeSize === older.TreeSize) {
      if (newer.RootHash !== older.RootHash) {
        throw inconsistent(
          'forked',
          `the service shows two different logs of ${newer.TreeSize} entries`,
          { from: older.TreeSize, to: newer.TreeSize },
        );
      }
      return;
    }
    // The answer's proof runs from the FromTreeSize this device asked for (older's) to the
    // answer's checkpoint (newer); sizes the service states must be those.
    const proof = answer?.ConsistencyProof;
    if (
      proof === undefined ||
      (proof.FromTreeSize ?? older.TreeSize) !== older.TreeSize ||
      (proof.ToTreeSize ?? newer.TreeSize) !== newer.TreeSize
    ) {
      throw inconsistent(
        'proof-missing',
        `the service gave no consistency proof from ${older.TreeSize} to ${newer.TreeSize} entries`,
        { from: older.TreeSize, to: newer.TreeSize },
      );
    }
    try {
      verifyCheckpointConsistency(
        older,
        newer,
        decodeProofText(proof.Path, 'ConsistencyProof.Path'),
      );
    } catch (error) {
      if (!isMeshError(error)) throw error;
      throw inconsistent(
        String(error.details.reason ?? 'proof-invalid'),
        `the service's log of ${newer.TreeSize} entries does not extend the one of ${older.TreeSize} this device verified: it was forked or rewritten`,
        { from: older.TreeSize, to: newer.TreeSize },
        error,
      );
    }
  }

  /** The answer's checkpoint (its CheckpointValue text), well formed and its signature verified. */
  #signedCheckpoint(status: StatusResponse): SignedCheckpoint {
    let checkpoint: SignedCheckpoint;
    try {
      checkpoint = parseCheckpointValue(status.CheckpointValue);
    } catch (error) {
      if (!isMeshError(error, 'INVALID_MESSAGE')) throw error;
      throw new MeshError(
        'SERVICE_ERROR',
        `the Status answer's CheckpointValue is not a checkpoint: ${error.message}`,
        { reason: 'malformed-response', field: 'CheckpointValue' },
        { cause: error },
      );
    }
    return this.#verifySignature(checkpoint);
  }

  #verifySignature(checkpoint: SignedCheckpoint): SignedCheckpoint {
    const key = this.serviceKey;
    if (key === undefined) {
      throw new MeshError(
        'INVALID_ARGUMENT',
        'the service key must be pinned (from Hello) before checkpoints can be verified',
        { field: 'serviceKey' },
      );
    }
    verifyCheckpointSignature(checkpoint, key.PublicParameters);
    return checkpoint;
  }

  #advance(checkpoint: SignedCheckpoint): void {
    // Read and written in one transaction: another process with this home open may advance it
    // too, and the newest must stay (docs/local-store.md "Sharing a home").
    this.#store.transaction(() => {
      const state = this.#state();
      if (state === undefined) throw new MeshError('INVALID_ARGUMENT', 'no pinned service key');
      const last = state.checkpoint;
      if (last !== undefined && checkpoint.TreeSize < last.TreeSize) return; // keep the newest
      this.#save({ ...state, checkpoint, verifiedAt: new Date().toISOString() });
    });
  }

  #state(): LogState | undefined {
    return this.#store.getDocument('log', this.#service, logStateSchema);
  }

  #save(state: LogState): void {
    this.#store.putDocument('log', this.#service, state);
  }
}

/**
 * Verify that a Full item's record is entry LeafIndex of the log `checkpoint` commits to
 * (RFC 9162 2.1.3.2); PROOF_INVALID with details.reason from shared/merkle otherwise. The
 * checkpoint must already be verified.
 */
export function verifyItemInclusion(item: DataItem, checkpoint: SignedCheckpoint): void {
  if (
    item.Record === undefined ||
    item.LeafIndex === undefined ||
    item.InclusionProof === undefined
  ) {
    throw new MeshError('PROOF_INVALID', `the item ${item.Identifier} carries no inclusion proof`, {
      field: 'InclusionProof',
      identifier: item.Identifier,
    });
  }
  if (item.LeafIndex !== item.TransactionID - 1) {
    throw new MeshError(
      'PROOF_INVALID',
      `the item ${item.Identifier} claims transaction ${item.TransactionID} but leaf ${item.LeafIndex}`,
      { field: 'LeafIndex', identifier: item.Identifier },
    );
  }
  verifyCheckpointInclusion(
    checkpoint,
    leafHash(utf8Encode(item.Record)),
    item.LeafIndex,
    decodeProof(item.InclusionProof, 'InclusionProof'),
  );
}

function inconsistent(
  reason: string,
  message: string,
  details: Record<string, number>,
  cause?: unknown,
): MeshError {
  return new MeshError(
    'LOG_INCONSISTENT',
    message,
    { reason, ...details },
    cause === undefined ? undefined : { cause },
  );
}

function sameTree(a: SignedCheckpoint, b: SignedCheckpoint): boolean {
  return a.TreeSize === b.TreeSize && a.RootHash === b.RootHash;
}

function sameKey(a: PublicKeyEntry, b: PublicKeyEntry): boolean {
  return (
    udfMatches(a.UDF, b.UDF) &&
    a.PublicParameters.crv === b.PublicParameters.crv &&
    a.PublicParameters.x === b.PublicParameters.x
  );
}
