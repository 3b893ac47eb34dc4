/**
 * EscrowEntry (draft-hallambaker-mesh-reference-03 section 5.10.1; docs/architecture.md section 3):
 * an encrypted key set that recovery restores. The service stores it as published and never reads
 * inside.
 */
import { z } from 'zod';
import { generalJweSchema } from '../crypto/jwe-schema';
import { udfSchema } from '../udf-schema';

/**
 * EscrowEntry (draft-hallambaker-mesh-reference-03 section 5.10.1): Identifier (a UDF the publisher
 * picks) and the JWE.
 */
export const escrowEntrySchema = z.object({
  Identifier: udfSchema(),
  EncryptedData: generalJweSchema,
});
export type EscrowEntry = z.infer<typeof escrowEntrySchema>;
