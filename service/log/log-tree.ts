/**
 * The service's view of the log as a Merkle tree (RFC 9162 2.1; shared/merkle) and the
 * checkpoints it signs (docs/architecture.md section 6). The tree is rebuilt from the stored leaf
 * hashes at start and extended as batches commit; with a shared backend (PostgreSQL, several
 * processes) it catches up from the database before any proof is given, so every process proves the
 * same log.
 */
import { MeshError } from '../../shared/errors';
import type { SignedCheckpoint } from '../../shared/merkle/checkpoint';
import {
  attachCheckpointSignature,
  checkpointSigningBytes,
  makeCheckpoint,
} from '../../shared/merkle/checkpoint';
import { encodeHash } from '../../shared/merkle/hash-encoding';
import { MerkleTree } from '../../shared/merkle/tree';
import type { StorageBackend } from '../storage/backend';
import type { LeafRow } from '../storage/rows';
import { Mutex } from '../storage/mutex';

/** Signs checkpoints: the service key (service/crypto/service-key.ts). */
export interface CheckpointSigner {
  /** UDF of the service's public key. */
  readonly udf: string;
  sign(bytes: Uint8Array): Uint8Array;
}

const PAGE = 50_000;

/** The in-memory tree of one service process. */
export class LogTree {
  private tree = MerkleTree.empty();
  private lastWrite: number | undefined;
  private checkpointCache: SignedCheckpoint | undefined;
  private readonly mutex = new Mutex();
  /** Called with each checkpoint signed (service.ts keeps the last one: stored-checkpoint.ts). */
  onSigned: ((checkpoint: SignedCheckpoint) => void) | undefined;

  constructor(
    private readonly backend: StorageBackend,
    private readonly signer: CheckpointSigner,
  ) {}

  /** Number of leaves this process has. */
  get size(): number {
    return this.tree.size;
  }

  /** Time of the last transaction this process has seen. */
  get lastWriteTime(): number | undefined {
    return this.lastWrite;
  }

  /** Load every stored leaf (at start). */
  async load(): Promise<void> {
    await this.catchUp();
  }

  /** Append leaves that continue the tree; skip ones it has; stop at a gap. */
  private appendLeaves(rows: readonly Pick<LeafRow, 'id' | 'time' | 'leafHash'>[]): boolean {
    for (const row of rows) {
      if (row.id <= this.tree.size) continue;
      if (row.id !== this.tree.size + 1) return false;
      this.tree.appendLeafHash(row.leafHash);
      this.lastWrite = row.time;
    }
    return true;
  }

  /** Extend with the rows of a batch this process committed (a gap waits for catchUp). */
  committed(rows: readonly Pick<LeafRow, 'id' | 'time' | 'leafHash'>[]): void {
    this.appendLeaves(rows);
  }

  /** Read every leaf the database has beyond this tree. */
  async catchUp(): Promise<void> {
    await this.mutex.run(async () => {
      for (;;) {
        const rows = await this.backend.leaves(this.tree.size, PAGE);
        if (rows.length === 0) return;
        if (!this.appendLeaves(rows)) {
          throw new MeshError('LOG_INCONSISTENT', 'the stored log has a gap', {
            after: this.tree.size,
          });
        }
        if (rows.length < PAGE) return;
      }
    });
  }

  /** Make sure the tree holds everything committed (shared backends) before a proof. */
  async current(): Promise<void> {
    if (this.backend.shared) await this.catchUp();
  }

  /** A signed checkpoint for the current size (made on demand, cached per size). */
  checkpoint(now = Date.now()): SignedCheckpoint {
    const size = this.tree.size;
    if (this.checkpointCache?.TreeSize === size) return this.checkpointCache;
    const checkpoint = makeCheckpoint({
      treeSize: size,
      rootHash: this.tree.root(size),
      time: new Date(now),
      serviceKey: this.signer.udf,
    });
    const signed = attachCheckpointSignature(
      checkpoint,
      this.signer.sign(checkpointSigningBytes(checkpoint)),
    );
    this.checkpointCache = signed;
    this.onSigned?.(signed);
    return signed;
  }

  /** The encoded root hash of the first `size` leaves (size at most this tree's). */
  rootHash(size: number): string {
    return encodeHash(this.tree.root(size));
  }

  /** PATH(index, D[size]) (RFC 9162 2.1.3.1). */
  inclusionProof(index: number, size: number): Uint8Array[] {
    return this.tree.inclusionProof(index, size);
  }

  /** PROOF(from, D[to]) (RFC 9162 2.1.4.1). */
  consistencyProof(from: number, to: number): Uint8Array[] {
    return this.tree.consistencyProof(from, to);
  }
}
