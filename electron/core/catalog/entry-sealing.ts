/**
 * One catalog entry as the service stores it (docs/architecture.md section 3;
 * draft-hallambaker-mesh-protocol-00 section 4.6 "can't read content of any message"): a JWE in
 * compact serialization (RFC 7516 section 7.1) with direct encryption under the application key -
 * `alg: "dir"`, `enc: "A256GCM"` (RFC 7518 sections 4.5 and 5.3). The protected header is the
 * AES-GCM associated data. It names no key: a container holds entries under one application key
 * only (application-key.ts), and an entry moved to another container does not decrypt there.
 * Everything else, including the entry's Identifier, is inside the ciphertext: the service sees
 * opaque, unlinkable payloads.
 *
 * Done with node:crypto rather than jose: one entry is sealed per change and thousands are
 * opened on a first sync, and the compact form with `dir` is five base64url fields.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MeshError } from '../../../shared/errors';
import type { CatalogKey } from './application-key';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The protected header of every sealed entry, base64url (the AES-GCM associated data). */
const PROTECTED_HEADER = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM' })).toString(
  'base64url',
);

/** Seals `plaintext` (a catalog record's UTF-8 JSON) under the application key. */
export function sealEntry(key: CatalogKey, plaintext: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(PROTECTED_HEADER, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [
    PROTECTED_HEADER,
    '',
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/**
 * Opens a sealed entry: DECRYPTION_FAILED when it is not a compact `dir`/A256GCM JWE (reason
 * `malformed`), or does not decrypt under this key - its bytes altered, or sealed under another
 * key (reason `undecryptable`).
 */
export function openEntry(key: CatalogKey, payload: string): Uint8Array {
  const parts = payload.split('.');
  if (parts.length !== 5 || parts[1] !== '') throw notSealed('is not a compact JWE');
  const [header, , ivText, ciphertextText, tagText] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw notSealed('has an unreadable header');
  }
  const { alg, enc } = (fields ?? {}) as Record<string, unknown>;
  if (alg !== 'dir' || enc !== 'A256GCM') throw notSealed('is not dir/A256GCM');
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw notSealed('has a bad iv or tag');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(header, 'ascii'));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(ciphertextText, 'base64url')),
      decipher.final(),
    ]);
    return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  } catch (error) {
    throw new MeshError(
      'DECRYPTION_FAILED',
      `a ${key.type} entry does not decrypt under the application key (altered, or sealed under another key)`,
      { reason: 'undecryptable', type: key.type },
      { cause: error },
    );
  }
}

function notSealed(problem: string): MeshError {
  return new MeshError('DECRYPTION_FAILED', `a catalog entry ${problem}`, {
    reason: 'malformed',
  });
}
