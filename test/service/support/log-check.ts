/**
 * Independent checks of what the service proves (docs/architecture.md section 6), with
 * shared/merkle's verifiers: checkpoint signatures under the key Hello reports, inclusion of Get
 * Full records, consistency between checkpoints, and a whole log rebuilt from Transfer records.
 */
import type { PublicKeyJwk } from '../../../shared/crypto/public-key';
import type { SignedCheckpoint } from '../../../shared/merkle/checkpoint';
import {
  checkpointRoot,
  parseCheckpointValue,
  verifyCheckpointSignature,
} from '../../../shared/merkle/checkpoint';
import { decodeProof, decodeProofText } from '../../../shared/merkle/hash-encoding';
import { leafHash } from '../../../shared/merkle/hashing';
import { MerkleTree } from '../../../shared/merkle/tree';
import {
  verifyCheckpointConsistency,
  verifyCheckpointInclusion,
} from '../../../shared/merkle/verify-checkpoints';
import type { TestClient } from './client';
import { authorizationFor, type Signing } from './client';

/** The service's public key from Hello. */
export async function serviceKeyOf(client: TestClient): Promise<PublicKeyJwk> {
  const hello = await client.call('Hello', {});
  return (hello.payload.ServiceKey as { PublicParameters: PublicKeyJwk }).PublicParameters;
}

/** Verify a checkpoint's signature (throws PROOF/SIGNATURE errors). */
/** The checkpoint of a Status answer: its CheckpointValue text (the one form it carries). */
export function statusCheckpoint(payload: Record<string, unknown>): SignedCheckpoint {
  return parseCheckpointValue(String(payload.CheckpointValue));
}

/** Verify a checkpoint's signature under the service key. */
export function checkCheckpoint(checkpoint: SignedCheckpoint, key: PublicKeyJwk): void {
  verifyCheckpointSignature(checkpoint, key);
}

/** Verify that `record` is leaf `index` of `checkpoint` by `proof`. */
export function checkInclusion(
  checkpoint: SignedCheckpoint,
  record: string,
  index: number,
  proof: string[],
): void {
  verifyCheckpointInclusion(
    checkpoint,
    leafHash(new TextEncoder().encode(record)),
    index,
    decodeProof(proof),
  );
}

/** Verify that `newer` extends `older`. */
export function checkConsistency(
  older: SignedCheckpoint,
  newer: SignedCheckpoint,
  path: string,
): void {
  verifyCheckpointConsistency(older, newer, decodeProofText(path));
}

/**
 * Read the whole log with Transfer (signed by an account trusted with it) and check that it is
 * gap-free, that TransactionIDs count from 1, and that its Merkle root is the checkpoint's.
 * Returns the parsed records.
 */
export async function transferWholeLog(
  client: TestClient,
  signing: () => Signing,
  account: string,
): Promise<{ records: Record<string, unknown>[]; checkpoint: SignedCheckpoint }> {
  const records: Record<string, unknown>[] = [];
  const tree = MerkleTree.empty();
  let pageKey: string | undefined;
  let checkpoint: SignedCheckpoint | undefined;
  do {
    const message = {
      Account: account,
      ...(pageKey === undefined ? {} : { SearchConstraints: { PageKey: pageKey } }),
    };
    const body = new TextEncoder().encode(JSON.stringify({ TransferRequest: message }));
    const answer = await client.raw(body, { authorization: authorizationFor(body, signing()) });
    if (answer.httpStatus !== 200) throw new Error(`Transfer failed: ${answer.text}`);
    checkpoint ??= answer.payload.Checkpoint as SignedCheckpoint;
    for (const item of answer.payload.DataItems as { TransactionID: number; Record: string }[]) {
      if (item.TransactionID !== tree.size + 1) throw new Error(`gap before ${item.TransactionID}`);
      tree.appendEntry(new TextEncoder().encode(item.Record));
      const parsed = JSON.parse(item.Record) as Record<string, unknown>;
      if (parsed.TransactionID !== item.TransactionID)
        throw new Error('record TransactionID differs');
      records.push(parsed);
    }
    pageKey = answer.payload.PageKey as string | undefined;
  } while (pageKey !== undefined);
  if (checkpoint === undefined) throw new Error('no checkpoint');
  if (tree.size !== checkpoint.TreeSize) {
    throw new Error(`log has ${tree.size} records, checkpoint ${checkpoint.TreeSize}`);
  }
  const root = tree.root();
  const expected = checkpointRoot(checkpoint);
  if (Buffer.compare(Buffer.from(root), Buffer.from(expected)) !== 0) {
    throw new Error('the log does not hash to the checkpoint root');
  }
  return { records, checkpoint };
}
