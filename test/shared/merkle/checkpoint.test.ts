import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PublicKeyJwk } from '../../../shared/crypto/public-key';
import { udfOfPublicKey } from '../../../shared/crypto/public-key';
import { isMeshError, MeshError } from '../../../shared/errors';
import type { Checkpoint, SignedCheckpoint } from '../../../shared/merkle/checkpoint';
import {
  attachCheckpointSignature,
  checkpointRoot,
  checkpointSigningBytes,
  checkpointSigningText,
  formatCheckpointValue,
  makeCheckpoint,
  parseCheckpointValue,
  verifyCheckpointSignature,
} from '../../../shared/merkle/checkpoint';
import { decodeProof, encodeProof } from '../../../shared/merkle/hash-encoding';
import { leafHash } from '../../../shared/merkle/hashing';
import { proofFailureReason } from '../../../shared/merkle/proof-error';
import { MerkleTree } from '../../../shared/merkle/tree';
import {
  verifyCheckpointConsistency,
  verifyCheckpointInclusion,
} from '../../../shared/merkle/verify-checkpoints';
import { entries, hex } from './reference';

// The service's key, held here by node:crypto: an independent Ed25519 to check the verifier.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const jwkOf = (key: KeyObject): PublicKeyJwk => ({
  kty: 'OKP',
  crv: 'Ed25519',
  x: key.export({ format: 'jwk' }).x as string,
});
const serviceJwk = jwkOf(publicKey);
const SERVICE_KEY = udfOfPublicKey(serviceJwk);
const OTHER_KEY = udfOfPublicKey(jwkOf(generateKeyPairSync('ed25519').publicKey));

function signCheckpoint(checkpoint: Checkpoint): SignedCheckpoint {
  const signature = sign(null, checkpointSigningBytes(checkpoint), privateKey);
  return attachCheckpointSignature(checkpoint, new Uint8Array(signature));
}

function thrown(run: () => unknown): MeshError {
  try {
    run();
  } catch (error) {
    if (error instanceof MeshError) return error;
    throw error;
  }
  throw new Error('expected a MeshError');
}

const tree = MerkleTree.fromLeafHashes(entries(20).map(leafHash));
const at = (size: number, time = '2025-03-01T12:00:00.000Z') =>
  makeCheckpoint({
    treeSize: size,
    rootHash: tree.root(size),
    time: new Date(time),
    serviceKey: SERVICE_KEY,
  });

describe('checkpoint signed bytes', () => {
  it('are the canonical text: label, service key, size, root, time, one per line', () => {
    const checkpoint = at(20);
    const root = Buffer.from(tree.root(20)).toString('base64url');
    expect(checkpointSigningText(checkpoint)).toBe(
      `mmm-checkpoint-v1\n${SERVICE_KEY}\n20\n${root}\n2025-03-01T12:00:00.000Z\n`,
    );
    expect(new TextDecoder().decode(checkpointSigningBytes(checkpoint))).toBe(
      checkpointSigningText(checkpoint),
    );
    expect(hex(checkpointRoot(checkpoint))).toBe(hex(tree.root(20)));
  });

  it('of the empty log carry the root SHA-256("")', () => {
    expect(at(0).RootHash).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });

  it('ignore extra properties of the object they are given', () => {
    const signed = signCheckpoint(at(7));
    expect(checkpointSigningText(signed)).toBe(checkpointSigningText(at(7)));
  });

  const invalid: { description: string; checkpoint: Checkpoint; field: string }[] = [
    { description: 'a negative size', checkpoint: { ...at(3), TreeSize: -1 }, field: 'TreeSize' },
    {
      description: 'a fractional size',
      checkpoint: { ...at(3), TreeSize: 1.5 },
      field: 'TreeSize',
    },
    {
      description: 'a root that is hex, not base64url',
      checkpoint: { ...at(3), RootHash: hex(tree.root(3)) },
      field: 'RootHash',
    },
    {
      description: 'a root of 31 bytes',
      checkpoint: { ...at(3), RootHash: Buffer.alloc(31).toString('base64url') },
      field: 'RootHash',
    },
    {
      description: 'a root in a non-canonical spelling (low bits set in the last character)',
      checkpoint: { ...at(3), RootHash: `${at(3).RootHash.slice(0, 42)}B` },
      field: 'RootHash',
    },
    {
      description: 'a time with an offset instead of Z',
      checkpoint: { ...at(3), Timestamp: '2025-03-01T12:00:00+01:00' },
      field: 'Timestamp',
    },
    {
      description: 'an impossible date',
      checkpoint: { ...at(3), Timestamp: '2025-02-30T12:00:00Z' },
      field: 'Timestamp',
    },
    {
      description: 'a service key with a newline (would forge a line)',
      checkpoint: { ...at(3), ServiceKey: `${SERVICE_KEY}\n4` },
      field: 'ServiceKey',
    },
    {
      description: 'a service key that is not a UDF',
      checkpoint: { ...at(3), ServiceKey: 'not a udf' },
      field: 'ServiceKey',
    },
    {
      description: 'a service key in lower case (not the canonical spelling)',
      checkpoint: { ...at(3), ServiceKey: SERVICE_KEY.toLowerCase() },
      field: 'ServiceKey',
    },
  ];
  it.each(invalid)('are refused for $description', ({ checkpoint, field }) => {
    const error = thrown(() => checkpointSigningBytes(checkpoint));
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(error.details.field).toBe(field);
  });
});

describe('checkpoint signature', () => {
  const signed = signCheckpoint(at(20));

  it('verifies with the service key (signed by node:crypto, verified with noble)', () => {
    expect(() => verifyCheckpointSignature(signed, serviceJwk)).not.toThrow();
  });

  const tampered: { description: string; change: Partial<SignedCheckpoint> }[] = [
    { description: 'a different size', change: { TreeSize: 19 } },
    { description: 'a different root', change: { RootHash: at(19).RootHash } },
    { description: 'a different time', change: { Timestamp: '2025-03-01T12:00:00.001Z' } },
    { description: 'a different service key', change: { ServiceKey: OTHER_KEY } },
    {
      description: 'a signature of other bytes',
      change: {
        Signature: Buffer.from(sign(null, Buffer.from('other'), privateKey)).toString('base64url'),
      },
    },
  ];
  it.each(tampered)('fails with SIGNATURE_INVALID for $description', ({ change }) => {
    const error = thrown(() => verifyCheckpointSignature({ ...signed, ...change }, serviceJwk));
    expect(error.code).toBe('SIGNATURE_INVALID');
  });

  it('fails for a checkpoint verified with another key, whichever key it names', () => {
    const otherJwk = jwkOf(generateKeyPairSync('ed25519').publicKey);
    const error = thrown(() => verifyCheckpointSignature(signed, otherJwk));
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.details.field).toBe('ServiceKey');
    const claimsOther = { ...signed, ServiceKey: udfOfPublicKey(otherJwk) };
    const forged = thrown(() => verifyCheckpointSignature(claimsOther, otherJwk));
    expect(forged.code).toBe('SIGNATURE_INVALID');
    expect(forged.details.field).toBe('Signature');
  });

  it('refuses to attach a signature that is not 64 bytes', () => {
    expect(isMeshError(thrown(() => attachCheckpointSignature(at(1), new Uint8Array(63))))).toBe(
      true,
    );
  });
});

describe('CheckpointValue text', () => {
  const signed = signCheckpoint(at(13));

  it('round-trips: the signed text plus a signature line', () => {
    const value = formatCheckpointValue(signed);
    expect(value).toBe(`${checkpointSigningText(signed)}${signed.Signature}\n`);
    expect(parseCheckpointValue(value)).toEqual(signed);
    expect(() => verifyCheckpointSignature(parseCheckpointValue(value), serviceJwk)).not.toThrow();
  });

  const value = formatCheckpointValue(signed);
  const lines = value.split('\n');
  const withLine = (i: number, line: string) =>
    lines.map((l, j) => (j === i ? line : l)).join('\n');
  const malformed: { description: string; text: string; field: string }[] = [
    {
      description: 'another label',
      text: withLine(0, 'mmm-checkpoint-v2'),
      field: 'CheckpointValue',
    },
    { description: 'a missing final newline', text: value.slice(0, -1), field: 'CheckpointValue' },
    { description: 'an extra line', text: `${value}extra\n`, field: 'CheckpointValue' },
    {
      description: 'CRLF line ends',
      text: value.replaceAll('\n', '\r\n'),
      field: 'CheckpointValue',
    },
    { description: 'a size with a leading zero', text: withLine(2, '013'), field: 'TreeSize' },
    { description: 'a size with a sign', text: withLine(2, '+13'), field: 'TreeSize' },
    { description: 'a size in hex', text: withLine(2, '0xd'), field: 'TreeSize' },
    { description: 'a bad root', text: withLine(3, 'AAAA'), field: 'RootHash' },
    { description: 'a bad time', text: withLine(4, 'yesterday'), field: 'Timestamp' },
    { description: 'a short signature', text: withLine(5, 'AAAA'), field: 'Signature' },
  ];
  it.each(malformed)('is refused with $description', ({ text, field }) => {
    const error = thrown(() => parseCheckpointValue(text));
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(error.details.field).toBe(field);
  });
});

describe('proofs between checkpoints', () => {
  it('accept a newer checkpoint that extends the older one', () => {
    const proof = tree.consistencyProof(6, 20);
    expect(() => verifyCheckpointConsistency(at(6), at(20), proof)).not.toThrow();
    expect(() => verifyCheckpointConsistency(at(20), at(20), [])).not.toThrow();
    expect(() => verifyCheckpointConsistency(at(0), at(20), [])).not.toThrow();
  });

  it('survive the wire: proofs as base64url strings', () => {
    const wire = encodeProof(tree.consistencyProof(6, 20));
    expect(() => verifyCheckpointConsistency(at(6), at(20), decodeProof(wire))).not.toThrow();
    const error = thrown(() => decodeProof([...wire.slice(1), 'not base64url!']));
    expect(error.details.field).toBe(`Proof[${wire.length - 1}]`);
  });

  it('detect a rewritten log', () => {
    const forked = MerkleTree.fromLeafHashes(
      entries(20).map((entry, i) => leafHash(i === 3 ? Uint8Array.of(...entry, 1) : entry)),
    );
    const forkedHead = { ...at(20), RootHash: Buffer.from(forked.root(20)).toString('base64url') };
    const error = thrown(() =>
      verifyCheckpointConsistency(at(6), forkedHead, forked.consistencyProof(6, 20)),
    );
    expect(proofFailureReason(error)).toBe('first-root-mismatch');
  });

  it('refuse checkpoints of two different logs, and sizes in the wrong order', () => {
    const otherLog = { ...at(20), ServiceKey: OTHER_KEY };
    expect(proofFailureReason(thrown(() => verifyCheckpointConsistency(at(6), otherLog, [])))).toBe(
      'different-log',
    );
    expect(proofFailureReason(thrown(() => verifyCheckpointConsistency(at(20), at(6), [])))).toBe(
      'size-order',
    );
  });

  it('check inclusion of an entry in the log a checkpoint commits to', () => {
    const head = at(17);
    expect(() =>
      verifyCheckpointInclusion(head, tree.leafHash(9), 9, tree.inclusionProof(9, 17)),
    ).not.toThrow();
    expect(
      proofFailureReason(
        thrown(() =>
          verifyCheckpointInclusion(head, tree.leafHash(9), 9, tree.inclusionProof(9, 18)),
        ),
      ),
    ).toBe('root-mismatch');
  });
});
