/**
 * A public key as it sits inside a profile (draft-hallambaker-mesh-reference-03 section 4.1.1;
 * docs/module-contracts.md section 2):
 * `{ "UDF": <fingerprint>, "PublicParameters": <RFC 8037 JWK> }`. The UDF must be the key's own
 * fingerprint (docs/architecture.md section 4 step 3), which keyUdfMatches() checks.
 */
import { z } from 'zod';
import { publicKeyJwkSchema, udfOfPublicKey } from '../crypto/public-key';
import { MeshError } from '../errors';
import { UDF_TYPE, udfMatches } from '../udf';
import { udfSchema } from '../udf-schema';

/**
 * PublicKey (draft-hallambaker-mesh-reference-03 section 4.1.1): the key's UDF and its public
 * parameters.
 */
export const publicKeyEntrySchema = z.object({
  UDF: udfSchema(UDF_TYPE.sha2_512),
  PublicParameters: publicKeyJwkSchema,
});
export type PublicKeyEntry = z.infer<typeof publicKeyEntrySchema>;

/**
 * Check that a PublicKey's UDF is the fingerprint of its PublicParameters and that the curve is
 * the one its role needs; UNTRUSTED_PROFILE naming the field otherwise (docs/architecture.md
 * section 3).
 */
export function checkPublicKeyEntry(
  key: PublicKeyEntry,
  curve: 'Ed25519' | 'X25519',
  field: string,
): void {
  if (key.PublicParameters.crv !== curve) {
    throw new MeshError('UNTRUSTED_PROFILE', `${field} must be an ${curve} key`, { field });
  }
  if (!udfMatches(key.UDF, udfOfPublicKey(key.PublicParameters))) {
    throw new MeshError('UNTRUSTED_PROFILE', `${field}.UDF is not the fingerprint of its key`, {
      field,
    });
  }
}

/**
 * True when `udf` names this key (equal on the shorter precision; docs/architecture.md section 4).
 */
export function keyUdfMatches(key: PublicKeyEntry, udf: string): boolean {
  try {
    return udfMatches(key.UDF, udf);
  } catch {
    return false;
  }
}
