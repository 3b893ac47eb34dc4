/**
 * The JWE general JSON serialization (RFC 7516 section 7.2.1) as the Mesh carries encrypted
 * data (contract section 2): one schema for the type and for validation at every boundary.
 * Header members the Mesh does not read are kept (RFC 7516 allows them); the cryptographic
 * checks are jose's, in electron/core/crypto/jwe.ts.
 */
import { z } from 'zod';

const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url');

/** A per-recipient unprotected header (RFC 7516 section 7.2.1 "header"). */
export const jweRecipientHeaderSchema = z.looseObject({
  alg: z.string().optional(),
  kid: z.string().optional(),
  epk: z
    .looseObject({ kty: z.string(), crv: z.string().optional(), x: base64url.optional() })
    .optional(),
});

/** One recipient of a general JWE: its header and its wrapped content encryption key. */
export const jweRecipientSchema = z.object({
  header: jweRecipientHeaderSchema.optional(),
  encrypted_key: base64url.optional(),
});

/** A JWE in general JSON serialization (RFC 7516 section 7.2.1). */
export const generalJweSchema = z.object({
  protected: base64url.optional(),
  unprotected: z.record(z.string(), z.unknown()).optional(),
  recipients: z.array(jweRecipientSchema).min(1),
  aad: base64url.optional(),
  iv: base64url,
  ciphertext: base64url,
  tag: base64url,
});

export type GeneralJwe = z.infer<typeof generalJweSchema>;
