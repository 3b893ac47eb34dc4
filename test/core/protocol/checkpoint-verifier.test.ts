import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMeshError, type MeshError } from '../../../shared/errors';
import { parseCheckpointValue } from '../../../shared/merkle/checkpoint';
import {
  decodeProofText,
  encodeProof,
  encodeProofText,
} from '../../../shared/merkle/hash-encoding';
import type { StatusResponse } from '../../../shared/protocol/messages/status';
import { CheckpointVerifier } from '../../../electron/core/protocol/checkpoint-verifier';
import { LocalStore } from '../../../electron/core/store/local-store';
import { memoryKeyStore } from '../store/memory-key-store';
import { FakeLog } from './fake-log';

let directory: string;
let store: LocalStore;
const keyStore = memoryKeyStore();
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-verifier-'));
  store = await LocalStore.open({ path: join(directory, 'store.db'), keyStore });
});
afterEach(async () => {
  store.close();
  await fs.rm(directory, { recursive: true, force: true });
});

function caught(work: () => unknown): MeshError {
  try {
    work();
  } catch (error) {
    if (isMeshError(error)) return error;
    throw error;
  }
  throw new Error('expected a MeshError');
}

const records = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function started(log: FakeLog, size = log.tree.size): CheckpointVerifier {
  const verifier = new CheckpointVerifier(store, 'mesh.example');
  verifier.pinServiceKey(log.hello().ServiceKey);
  verifier.acceptStatus(log.status(undefined, size));
  return verifier;
}

describe('CheckpointVerifier: checkpoints', () => {
  it('trusts the first checkpoint, then only consistent extensions, and remembers them', async () => {
    const log = new FakeLog().append(...records(5));
    const verifier = started(log);
    expect(verifier.checkpoint?.TreeSize).toBe(5);
    log.append(...records(7, 's'));
    verifier.acceptStatus(log.status(5));
    expect(verifier.checkpoint?.TreeSize).toBe(12);
    // Same checkpoint again: fine without a proof.
    verifier.acceptStatus(log.status());

    // Another run of the program sees the same state.
    store.close();
    store = await LocalStore.open({ path: join(directory, 'store.db'), keyStore });
    const again = new CheckpointVerifier(store, 'mesh.example');
    expect(again.checkpoint?.TreeSize).toBe(12);
    expect(again.serviceKey?.UDF).toBe(log.key.udf);
  });

  it('detects a forked log: LOG_INCONSISTENT', () => {
    const log = new FakeLog().append(...records(6));
    const verifier = started(log);
    // The service rewrites entry 3 and grows the log; its proof is honest for the new tree.
    const forked = log.fork(3, 'evil', ...records(5, 'x'));
    const error = caught(() => verifier.acceptStatus(forked.status(6)));
    expect(error.code).toBe('LOG_INCONSISTENT');
    expect(error.message).toContain('forked or rewritten');
    expect(verifier.checkpoint?.TreeSize).toBe(6); // the bad checkpoint was not taken
  });

  it('detects two different logs of one size, and a log that shrank', () => {
    const log = new FakeLog().append(...records(6));
    const verifier = started(log);
    const forked = log.fork(5, 'other');
    expect(caught(() => verifier.acceptStatus(forked.status(6)))).toMatchObject({
      code: 'LOG_INCONSISTENT',
      details: { reason: 'forked' },
    });
    expect(caught(() => verifier.acceptStatus(log.status(undefined, 4)))).toMatchObject({
      code: 'LOG_INCONSISTENT',
      details: { reason: 'rolled-back' },
    });
  });

  it('requires a consistency proof for a larger checkpoint, and the right one', () => {
    const log = new FakeLog().append(...records(5));
    const verifier = started(log);
    log.append(...records(3, 'n'));
    expect(caught(() => verifier.acceptStatus(log.status()))).toMatchObject({
      code: 'LOG_INCONSISTENT',
      details: { reason: 'proof-missing' },
    });
    expect(caught(() => verifier.acceptStatus(log.status(4)))).toMatchObject({
      code: 'LOG_INCONSISTENT',
      details: { reason: 'proof-missing' },
    });
    const status = log.status(5);
    const path = decodeProofText(status.ConsistencyProof!.Path);
    expect(path.length).toBeGreaterThan(1);
    path[1] = path[0]!;
    const tampered: StatusResponse = {
      ...status,
      ConsistencyProof: { ...status.ConsistencyProof!, Path: encodeProofText(path) },
    };
    expect(caught(() => verifier.acceptStatus(tampered)).code).toBe('LOG_INCONSISTENT');
    // A Path that is not whole hashes in canonical base64url: refused, naming the field.
    const malformed: StatusResponse = {
      ...status,
      ConsistencyProof: { Path: `${status.ConsistencyProof!.Path}A` },
    };
    expect(caught(() => verifier.acceptStatus(malformed))).toMatchObject({
      code: 'LOG_INCONSISTENT',
      details: { reason: 'proof-invalid' },
    });
    verifier.acceptStatus(status);
    expect(verifier.checkpoint?.TreeSize).toBe(8);
  });

  it('verifies a proof that does not repeat its sizes (the service no longer sends them)', () => {
    const log = new FakeLog().append(...records(5));
    const verifier = started(log);
    log.append(...records(2, 'n'));
    const { Path } = log.status(5).ConsistencyProof!;
    // A proof from another size, its sizes left out, does not verify.
    const wrong: StatusResponse = {
      ...log.status(),
      ConsistencyProof: { Path: log.status(4).ConsistencyProof!.Path },
    };
    expect(caught(() => verifier.acceptStatus(wrong)).code).toBe('LOG_INCONSISTENT');
    verifier.acceptStatus({ ...log.status(), ConsistencyProof: { Path } });
    expect(verifier.checkpoint?.TreeSize).toBe(7);
  });

  it('pins the service key at first contact and refuses another one', () => {
    const log = new FakeLog().append('a');
    const verifier = started(log);
    verifier.pinServiceKey(log.hello().ServiceKey); // same key: fine
    const impostor = new FakeLog().append('a');
    expect(caught(() => verifier.pinServiceKey(impostor.hello().ServiceKey))).toMatchObject({
      code: 'LOG_INCONSISTENT',
      details: { reason: 'service-key-changed' },
    });
    // A checkpoint signed by another key does not verify under the pinned one.
    expect(caught(() => verifier.acceptStatus(impostor.status())).code).toBe('SIGNATURE_INVALID');
  });

  it('refuses a bad signature and a CheckpointValue that is not a checkpoint', () => {
    const log = new FakeLog().append('a', 'b');
    const verifier = started(log);
    log.append('c');
    const status = log.status(2);
    const signature = parseCheckpointValue(status.CheckpointValue).Signature;
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const forged = {
      ...status,
      CheckpointValue: status.CheckpointValue.replace(signature, flipped),
    };
    expect(caught(() => verifier.acceptStatus(forged)).code).toBe('SIGNATURE_INVALID');
    const truncated = { ...status, CheckpointValue: status.CheckpointValue.slice(0, -2) };
    expect(caught(() => verifier.acceptStatus(truncated))).toMatchObject({
      code: 'SERVICE_ERROR',
      details: { reason: 'malformed-response', field: 'CheckpointValue' },
    });
    // The refused answers left the last verified checkpoint as it was.
    expect(verifier.checkpoint?.TreeSize).toBe(2);
  });

  it('needs a pinned key before verifying anything', () => {
    const verifier = new CheckpointVerifier(store, 'unpinned');
    expect(caught(() => verifier.acceptStatus(new FakeLog().status())).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('CheckpointVerifier: inclusion of Full items', () => {
  it('verifies an item against the checkpoint this device holds', async () => {
    const log = new FakeLog().append(...records(9));
    const verifier = started(log);
    const noStatus = () => Promise.reject(new Error('no Status call expected'));
    await verifier.verifyGetResponse(log.fullGet(4), noStatus);
  });

  it('refuses a record that is not in the log: PROOF_INVALID', async () => {
    const log = new FakeLog().append(...records(9));
    const verifier = started(log);
    const answer = log.fullGet(4);
    const item = { ...answer.DataItems[0]!, Record: 'forged record' };
    await expect(
      verifier.verifyGetResponse({ ...answer, DataItems: [item] }, () => Promise.reject()),
    ).rejects.toMatchObject({ code: 'PROOF_INVALID', details: { reason: 'root-mismatch' } });
    const moved = { ...answer.DataItems[0]!, LeafIndex: 5, TransactionID: 6 };
    await expect(
      verifier.verifyGetResponse({ ...answer, DataItems: [moved] }, () => Promise.reject()),
    ).rejects.toMatchObject({ code: 'PROOF_INVALID' });
    const unproven = { ...answer.DataItems[0]!, InclusionProof: undefined };
    await expect(
      verifier.verifyGetResponse({ ...answer, DataItems: [unproven] }, () => Promise.reject()),
    ).rejects.toMatchObject({ code: 'PROOF_INVALID', details: { field: 'InclusionProof' } });
    const short = { ...answer.DataItems[0]!, InclusionProof: encodeProof([]) };
    await expect(
      verifier.verifyGetResponse({ ...answer, DataItems: [short] }, () => Promise.reject()),
    ).rejects.toMatchObject({ code: 'PROOF_INVALID' });
  });

  it('brings a newer checkpoint into the verified log through Status proofs', async () => {
    const log = new FakeLog().append(...records(5));
    const verifier = started(log);
    log.append(...records(6, 'n'));
    const asked: Array<number | undefined> = [];
    await verifier.verifyGetResponse(log.fullGet(8), async (from) => {
      asked.push(from);
      return log.status(from);
    });
    expect(asked).toEqual([11, 5]);
    expect(verifier.checkpoint?.TreeSize).toBe(11);
  });

  it('accepts an item proven in an older checkpoint that the newer one extends', async () => {
    const log = new FakeLog().append(...records(10));
    const verifier = started(log);
    await verifier.verifyGetResponse(log.fullGet(2, 6), async (from) => log.status(from));
    expect(verifier.checkpoint?.TreeSize).toBe(10);
  });

  it('catches a Get answer from a forked log', async () => {
    const log = new FakeLog().append(...records(6));
    const verifier = started(log);
    const forked = log.fork(2, ...records(8, 'evil'));
    await expect(
      verifier.verifyGetResponse(forked.fullGet(7), async (from) => forked.status(from)),
    ).rejects.toMatchObject({ code: 'LOG_INCONSISTENT' });
  });
});
