/**
 * The last signed checkpoint, kept with the data (docs/architecture.md section 6; docs/protocol.md
 * "The log"): every checkpoint the service signs may be in a client's hands, so at start the log
 * rebuilt from the database must still have that checkpoint's root at that size. A database
 * altered or rolled back between runs (a leaf changed, rows removed, an old backup restored) is
 * refused with the fix in the message, as the other start-up checks do, unless the operator
 * starts with --init to accept the log as it is.
 *
 * New checkpoints are stored as they are signed, one write at a time (a newer one made meanwhile
 * waits for it and replaces it), and the newest at close; after a crash the stored one may be a
 * little older than the last handed out, which still checks that prefix of the log.
 */
import { MeshError } from '../../shared/errors';
import type { SignedCheckpoint } from '../../shared/merkle/checkpoint';
import {
  formatCheckpointValue,
  parseCheckpointValue,
  verifyCheckpointSignature,
} from '../../shared/merkle/checkpoint';
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import type { Logger } from '../logger';
import type { StorageBackend } from '../storage/backend';
import type { LogTree } from './log-tree';

/** The name the last signed checkpoint is stored under (service_secrets). */
export const LAST_CHECKPOINT = 'last-signed-checkpoint';

/**
 * Check the rebuilt `tree` against the stored checkpoint (module comment). STORE_CORRUPT naming
 * the size and the fix when it does not hold; nothing to check on a new service, or with `init`.
 */
export async function checkStoredCheckpoint(
  backend: StorageBackend,
  tree: Pick<LogTree, 'size' | 'rootHash'>,
  serviceKey: { readonly udf: string; readonly publicKey: { PublicParameters: PublicKeyJwk } },
  options: { readonly init?: boolean; readonly where: string },
): Promise<void> {
  if (options.init === true) return;
  const stored = await backend.serviceValue(LAST_CHECKPOINT);
  if (stored === undefined) return;
  const refuse = (problem: string, details: Record<string, string | number>): never => {
    throw new MeshError(
      'STORE_CORRUPT',
      `the log in ${options.where} ${problem}: the database was altered or rolled back since the service signed it. Restore the database from a backup taken after that checkpoint, or start with --init to accept the log as it is (devices that saw the later log will report it as inconsistent)`,
      { field: 'log', ...details },
    );
  };
  let checkpoint: SignedCheckpoint;
  try {
    checkpoint = parseCheckpointValue(stored);
    verifyCheckpointSignature(checkpoint, serviceKey.publicKey.PublicParameters);
  } catch {
    return refuse('cannot be checked: its last signed checkpoint is damaged', {});
  }
  if (tree.size < checkpoint.TreeSize) {
    refuse(
      `holds ${tree.size} transactions, fewer than the ${checkpoint.TreeSize} of the last checkpoint the service signed`,
      { treeSize: tree.size, checkpointSize: checkpoint.TreeSize },
    );
  }
  if (tree.rootHash(checkpoint.TreeSize) !== checkpoint.RootHash) {
    refuse(
      `does not match the last checkpoint the service signed (its root at size ${checkpoint.TreeSize} differs)`,
      { checkpointSize: checkpoint.TreeSize },
    );
  }
}

/** Stores each new signed checkpoint, one write at a time (module comment). */
export class CheckpointKeeper {
  #newest: SignedCheckpoint | undefined;
  #storedSize = -1;
  #writing: Promise<void> | undefined;

  constructor(
    private readonly backend: StorageBackend,
    private readonly logger: Logger,
  ) {}

  /** A checkpoint was signed: store it (or let the write in flight be followed by it). */
  signed(checkpoint: SignedCheckpoint): void {
    if (checkpoint.TreeSize <= (this.#newest?.TreeSize ?? -1)) return;
    this.#newest = checkpoint;
    this.#writing ??= this.#drain();
  }

  /** Wait until the newest checkpoint is stored (at close). */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#newest !== undefined && this.#newest.TreeSize > this.#storedSize) {
        const checkpoint = this.#newest;
        try {
          await this.backend.putServiceValue(LAST_CHECKPOINT, formatCheckpointValue(checkpoint));
          this.#storedSize = checkpoint.TreeSize;
        } catch (error) {
          this.logger.warn('the last signed checkpoint could not be stored', {
            treeSize: checkpoint.TreeSize,
            error: error instanceof Error ? error.message : String(error),
          });
          return;
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
