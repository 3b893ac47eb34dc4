/**
 * Proofs for a 1,000,000-entry log (docs/architecture.md section 10: inclusion and consistency
 * proofs in under 1 ms each). Generation and verification per proof, as microseconds, as a fraction
 * of the 1 ms budget, and in units of one SHA-256 of 64 bytes measured in the same run, the
 * yardstick of this machine's speed.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { createHash } from 'node:crypto';
import { MeshError } from '../../shared/errors';
import { hashesEqual } from '../../shared/merkle/hashing';
import { MerkleTree } from '../../shared/merkle/tree';
import { verifyConsistency } from '../../shared/merkle/verify-consistency';
import { verifyInclusion } from '../../shared/merkle/verify-inclusion';
import { randomInt, seededRandom, timeOperation } from '../measure';
import type { Timing } from '../measure';
import { count, micros, ratio, table, verdict } from '../report';
import type { BenchSection } from '../section';

const LOG_SIZE = 1_000_000;
const TARGET_NS = 1_000_000; // 1 ms
const BUDGET_MS = 1500;
const INPUTS = 4096; // precomputed arguments per measurement, cycled

interface Row {
  readonly operation: string;
  readonly timing: Timing;
  /** Judged against the 1 ms proof target. */
  readonly isProof: boolean;
}

/** An entry of about the size of a log record's identifying bytes. */
function entryBytes(i: number): Uint8Array {
  return new TextEncoder().encode(`{"Transaction":${i},"Identifier":"entry-${i}"}`);
}

export const proofsSection: BenchSection = {
  name: 'proofs',
  title: 'Merkle log proofs, 1,000,000 entries',
  async run(progress) {
    const rows: Row[] = [];
    const measure = (operation: string, isProof: boolean, op: (i: number) => unknown) => {
      const timing = timeOperation(op, BUDGET_MS);
      rows.push({ operation, timing, isProof });
      progress(`  ${operation}: ${micros(timing.medianNs)} µs`);
    };

    const block = new Uint8Array(64).fill(7);
    measure('yardstick: SHA-256 of 64 bytes (@noble/hashes, as the tree uses)', false, () =>
      sha256(block),
    );
    const yardstickNs = (rows[0] as Row).timing.medianNs;
    measure('SHA-256 of 64 bytes (node:crypto, for reference)', false, () =>
      createHash('sha256').update(block).digest(),
    );

    progress(`  building a ${count(LOG_SIZE)}-entry tree...`);
    const buildStart = performance.now();
    const tree = MerkleTree.empty();
    for (let i = 0; i < LOG_SIZE; i++) tree.appendEntry(entryBytes(i));
    const buildMs = performance.now() - buildStart;
    const rebuildStart = performance.now();
    const rebuilt = MerkleTree.fromLeafHashes(
      (function* () {
        for (let i = 0; i < LOG_SIZE; i++) yield tree.leafHash(i);
      })(),
    );
    const rebuildMs = performance.now() - rebuildStart;
    if (!hashesEqual(rebuilt.root(), tree.root())) {
      throw new MeshError('INTERNAL', 'the rebuilt tree has another root');
    }

    // Arguments drawn once, the same in every run.
    const random = seededRandom(9162);
    const pastSizes = Array.from({ length: INPUTS }, () =>
      randomInt(random, LOG_SIZE / 2, LOG_SIZE),
    );
    const indexes = Array.from({ length: INPUTS }, () => randomInt(random, 0, LOG_SIZE - 1));
    const pastIndexes = pastSizes.map((size) => randomInt(random, 0, size - 1));
    const firsts = Array.from({ length: INPUTS }, () => randomInt(random, 1, LOG_SIZE - 1));
    const at = <T>(list: readonly T[], i: number): T => list[i % INPUTS] as T;

    measure(
      'append one entry (leaf hash + amortised node hashes)',
      false,
      (() => {
        const scratch = MerkleTree.empty();
        return (i: number) => scratch.appendEntry(entryBytes(i));
      })(),
    );
    measure('root of a past size', false, (i) => tree.root(at(pastSizes, i)));
    measure('inclusion proof, latest size', true, (i) =>
      tree.inclusionProof(at(indexes, i), LOG_SIZE),
    );
    measure('inclusion proof, past size', true, (i) =>
      tree.inclusionProof(at(pastIndexes, i), at(pastSizes, i)),
    );
    measure('consistency proof, any size to latest', true, (i) =>
      tree.consistencyProof(at(firsts, i), LOG_SIZE),
    );
    measure('consistency proof, between past sizes', true, (i) =>
      tree.consistencyProof(Math.min(at(firsts, i), at(pastSizes, i)), at(pastSizes, i)),
    );

    const inclusionClaims = Array.from({ length: 256 }, (_, i) => {
      const index = at(indexes, i);
      return {
        leafHash: tree.leafHash(index),
        index,
        treeSize: LOG_SIZE,
        proof: tree.inclusionProof(index, LOG_SIZE),
        rootHash: tree.root(),
      };
    });
    const consistencyClaims = Array.from({ length: 256 }, (_, i) => {
      const first = at(firsts, i);
      return {
        firstSize: first,
        firstHash: tree.root(first),
        secondSize: LOG_SIZE,
        secondHash: tree.root(),
        proof: tree.consistencyProof(first, LOG_SIZE),
      };
    });
    measure('verify an inclusion proof', true, (i) =>
      verifyInclusion(inclusionClaims[i % 256] as (typeof inclusionClaims)[number]),
    );
    measure('verify a consistency proof', true, (i) =>
      verifyConsistency(consistencyClaims[i % 256] as (typeof consistencyClaims)[number]),
    );

    const proofRows = rows.filter((row) => row.isProof);
    const slowest = Math.max(...proofRows.map((row) => row.timing.medianNs));
    return [
      `Log of ${count(LOG_SIZE)} entries: built by appending in ${(buildMs / 1000).toFixed(2)} s ` +
        `(${micros((buildMs * 1e6) / LOG_SIZE)} µs per entry), rebuilt from stored leaf hashes ` +
        `in ${(rebuildMs / 1000).toFixed(2)} s (the service's start-up).`,
      '',
      ...table(
        [
          'operation',
          'µs per op (median)',
          'fastest sample µs',
          'ratio to 1 ms target',
          'in SHA-256s',
          'target',
        ],
        rows.map((row) => [
          row.operation,
          micros(row.timing.medianNs),
          micros(row.timing.minNs),
          row.isProof ? ratio(row.timing.medianNs / TARGET_NS) : '',
          ratio(row.timing.medianNs / yardstickNs),
          row.isProof ? verdict(row.timing.medianNs, TARGET_NS, 'at-most') : '',
        ]),
      ),
      '',
      `Slowest proof operation: ${micros(slowest)} µs = ${ratio(slowest / TARGET_NS)} of the ` +
        `1 ms target (${ratio(TARGET_NS / slowest)}× headroom), ` +
        `${ratio(slowest / yardstickNs)} SHA-256 computations of 64 bytes on this machine.`,
    ];
  },
};
