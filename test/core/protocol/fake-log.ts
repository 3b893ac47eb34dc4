/**
 * A signed Merkle log for client tests (docs/architecture.md section 6), built with the shared
 * tree: it answers Hello, Status (with consistency proofs) and Full Get the way the service does,
 * and can be forked or rolled back to show the client catching it.
 */
import { utf8Encode } from '../../../shared/encoding/utf8';
import {
  attachCheckpointSignature,
  checkpointSigningBytes,
  formatCheckpointValue,
  makeCheckpoint,
  type SignedCheckpoint,
} from '../../../shared/merkle/checkpoint';
import { encodeProof, encodeProofText } from '../../../shared/merkle/hash-encoding';
import { MerkleTree } from '../../../shared/merkle/tree';
import type { HelloResponse } from '../../../shared/protocol/messages/hello';
import type { GetResponse } from '../../../shared/protocol/messages/get';
import type { StatusResponse } from '../../../shared/protocol/messages/status';
import { deriveKeyPair, generateSeed, type MeshKeyPair } from '../../../electron/core/crypto/keys';
import { signDetached } from '../../../electron/core/crypto/sign';

const baseTime = Date.parse('2026-01-01T00:00:00.000Z');

/** A service log: records, their tree, and a service key that signs checkpoints. */
export class FakeLog {
  readonly key: MeshKeyPair;
  readonly records: string[] = [];
  tree = MerkleTree.empty();

  constructor(key: MeshKeyPair = deriveKeyPair(generateSeed(), 'mesh/service/log', 'Ed25519')) {
    this.key = key;
  }

  /** Append records; returns this log. */
  append(...records: string[]): this {
    for (const record of records) {
      this.records.push(record);
      this.tree.appendEntry(utf8Encode(record));
    }
    return this;
  }

  /** A copy sharing the first `keep` records and then diverging: a fork. */
  fork(keep: number, ...divergent: string[]): FakeLog {
    const other = new FakeLog(this.key);
    other.append(...this.records.slice(0, keep), ...divergent);
    return other;
  }

  /** The signed checkpoint of the first `size` records. */
  checkpoint(size = this.tree.size): SignedCheckpoint {
    const checkpoint = makeCheckpoint({
      treeSize: size,
      rootHash: this.tree.root(size),
      time: new Date(baseTime + size * 1000),
      serviceKey: this.key.udf,
    });
    return attachCheckpointSignature(
      checkpoint,
      signDetached(checkpointSigningBytes(checkpoint), this.key),
    );
  }

  hello(): Omit<HelloResponse, 'Status' | 'StatusDescription'> {
    return {
      Version: { Major: 1, Minor: 0 },
      PolicyAccount: { Minimum: 1, Maximum: 64, InvalidCharacters: ' @' },
      ServiceKey: { UDF: this.key.udf, PublicParameters: this.key.publicJwk },
      Time: new Date().toISOString(),
      Limits: {
        MaxRequestBytes: 1_000_000,
        MaxEntriesPerPage: 100,
        MaxPendingConnections: 10,
        RequestsPerSecond: 100,
        RequestBurst: 100,
        MaxWaitSeconds: 30,
        AuthenticationWindowSeconds: 300,
      },
    };
  }

  /** Status at `size`, with a consistency proof from `from` when asked. */
  status(from?: number, size = this.tree.size): StatusResponse {
    const checkpoint = this.checkpoint(size);
    return {
      Status: 200,
      StatusDescription: 'OK',
      LastCheckpointTime: checkpoint.Timestamp,
      NextCheckpointTime: checkpoint.Timestamp,
      CheckpointValue: formatCheckpointValue(checkpoint),
      ...(from !== undefined &&
        from <= size && {
          ConsistencyProof: {
            FromTreeSize: from,
            ToTreeSize: size,
            Path: encodeProofText(this.tree.consistencyProof(from, size)),
          },
        }),
    };
  }

  /** A Full Get answer for record `index` (0-based) against the checkpoint at `size`. */
  fullGet(index: number, size = this.tree.size): GetResponse {
    return {
      Status: 200,
      StatusDescription: 'OK',
      DataItems: [
        {
          Type: 'PersonalProfile',
          Identifier: `item-${index}`,
          Published: new Date(baseTime).toISOString(),
          TransactionID: index + 1,
          Record: this.records[index]!,
          LeafIndex: index,
          InclusionProof: encodeProof(this.tree.inclusionProof(index, size)),
        },
      ],
      Checkpoint: this.checkpoint(size),
    };
  }
}
