/**
 * The checkpoint (signed tree head) of the service log (docs/architecture.md section 6; RFC 9162
 * section 4.10 in spirit): tree size, root hash and time, bound by the service's Ed25519 key. The
 * service signs the exact bytes of checkpointSigningText(); clients keep the last checkpoint they
 * saw and check every newer one against it with verifyCheckpointConsistency().
 *
 * Signed text, UTF-8, each line ending in "\n":
 *   mmm-checkpoint-v1
 *   <ServiceKey: UDF of the service signing key>
 *   <TreeSize: decimal, no leading zeros>
 *   <RootHash: base64url, 43 characters>
 *   <Timestamp: RFC 3339 UTC, e.g. 2025-01-31T12:00:00.000Z>
 * CheckpointValue (Status) is that text followed by one more line: base64url of the raw 64-byte
 * Ed25519 signature over it.
 */
import { z } from 'zod';
import type { PublicKeyJwk } from '../crypto/public-key';
import { udfOfPublicKey } from '../crypto/public-key';
import { verifyDetached } from '../crypto/jws';
import { base64urlDecode, base64urlEncode } from '../encoding/base64url';
import { utf8Encode } from '../encoding/utf8';
import { MeshError } from '../errors';
import { normalizeUdf, udfMatches } from '../udf';
import { decodeHash, encodeHash, isEncodedHash } from './hash-encoding';

/** First line of the signed text: names the format so the bytes cannot mean anything else. */
export const CHECKPOINT_LABEL = 'mmm-checkpoint-v1';

const signaturePattern = /^[A-Za-z0-9_-]{86}$/;

/** A checkpoint: what the service signs. Field names PascalCase as on the wire. */
export const checkpointSchema = z.strictObject({
  TreeSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  RootHash: z.string().refine(isEncodedHash, 'must be base64url of 32 bytes'),
  Timestamp: z.iso.datetime(),
  ServiceKey: z.string().max(256).refine(isCanonicalUdf, 'must be a UDF in canonical form'),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** A checkpoint with the service's signature: base64url of the raw 64-byte Ed25519 signature. */
export const signedCheckpointSchema = checkpointSchema.extend({
  Signature: z.string().regex(signaturePattern, 'must be base64url of 64 bytes'),
});
export type SignedCheckpoint = z.infer<typeof signedCheckpointSchema>;

// A UDF as normalizeUdf() presents it (upper case, groups of four): one spelling, no line breaks.
function isCanonicalUdf(text: string): boolean {
  try {
    return normalizeUdf(text) === text;
  } catch {
    return false;
  }
}

/** Build a checkpoint from a tree head (the service does this before signing). */
export function makeCheckpoint(head: {
  treeSize: number;
  rootHash: Uint8Array;
  time: Date;
  serviceKey: string;
}): Checkpoint {
  return parseWith(checkpointSchema, {
    TreeSize: head.treeSize,
    RootHash: encodeHash(head.rootHash),
    Timestamp: head.time.toISOString(),
    ServiceKey: head.serviceKey,
  });
}

/** The canonical text the service signs (format in the module comment). */
export function checkpointSigningText(checkpoint: Checkpoint): string {
  const valid = parseWith(checkpointSchema, {
    TreeSize: checkpoint.TreeSize,
    RootHash: checkpoint.RootHash,
    Timestamp: checkpoint.Timestamp,
    ServiceKey: checkpoint.ServiceKey,
  });
  return [CHECKPOINT_LABEL, valid.ServiceKey, valid.TreeSize, valid.RootHash, valid.Timestamp]
    .map((line) => `${line}\n`)
    .join('');
}

/** The exact bytes the service's Ed25519 key signs: UTF-8 of checkpointSigningText(). */
export function checkpointSigningBytes(checkpoint: Checkpoint): Uint8Array {
  return utf8Encode(checkpointSigningText(checkpoint));
}

/** Attach a raw Ed25519 signature (made by the key holder over checkpointSigningBytes). */
export function attachCheckpointSignature(
  checkpoint: Checkpoint,
  signature: Uint8Array,
): SignedCheckpoint {
  if (signature.length !== 64) {
    throw new MeshError('INVALID_ARGUMENT', 'an Ed25519 signature is 64 bytes', {
      actual: signature.length,
    });
  }
  return { ...parseWith(checkpointSchema, checkpoint), Signature: base64urlEncode(signature) };
}

/** The root hash of a checkpoint as bytes. */
export function checkpointRoot(checkpoint: Checkpoint): Uint8Array {
  return decodeHash(checkpoint.RootHash, 'RootHash');
}

/**
 * Verify the service's signature on a checkpoint (strict RFC 8032 Ed25519) with the service key
 * the caller trusts (from Hello, pinned at first contact); ServiceKey must be that key's UDF.
 * Throws MeshError('SIGNATURE_INVALID').
 */
export function verifyCheckpointSignature(
  signed: SignedCheckpoint,
  serviceKey: PublicKeyJwk,
): void {
  const valid = parseWith(signedCheckpointSchema, signed);
  if (!udfMatches(valid.ServiceKey, udfOfPublicKey(serviceKey))) {
    throw new MeshError('SIGNATURE_INVALID', 'the checkpoint names another service key', {
      field: 'ServiceKey',
      treeSize: valid.TreeSize,
    });
  }
  if (
    !verifyDetached(checkpointSigningBytes(valid), base64urlDecode(valid.Signature), serviceKey)
  ) {
    throw new MeshError('SIGNATURE_INVALID', 'the checkpoint signature does not verify', {
      field: 'Signature',
      treeSize: valid.TreeSize,
    });
  }
}

/** The CheckpointValue string of a Status response: signed text plus a signature line. */
export function formatCheckpointValue(signed: SignedCheckpoint): string {
  const valid = parseWith(signedCheckpointSchema, signed);
  return `${checkpointSigningText(valid)}${valid.Signature}\n`;
}

/**
 * Parse a CheckpointValue string; strict: exactly six lines, canonical numbers and encodings.
 * Throws MeshError('INVALID_MESSAGE') naming the bad field. Does not verify the signature.
 */
export function parseCheckpointValue(value: string): SignedCheckpoint {
  const lines = value.split('\n');
  if (lines.length !== 7 || lines[6] !== '' || lines[0] !== CHECKPOINT_LABEL) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `a checkpoint is six lines starting with ${CHECKPOINT_LABEL}`,
      { field: 'CheckpointValue' },
    );
  }
  const [, serviceKey, size, rootHash, timestamp, signature] = lines as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size)) {
    throw new MeshError('INVALID_MESSAGE', 'TreeSize must be a decimal integer', {
      field: 'TreeSize',
    });
  }
  return parseWith(signedCheckpointSchema, {
    TreeSize: Number(size),
    RootHash: rootHash,
    Timestamp: timestamp,
    ServiceKey: serviceKey,
    Signature: signature,
  });
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'checkpoint';
    throw new MeshError('INVALID_MESSAGE', `checkpoint ${field}: ${issue?.message ?? 'invalid'}`, {
      field,
    });
  }
  return result.data;
}
