/**
 * `trust`: what this device has verified of its service's log (draft-hallambaker-mesh-protocol,
 * checkpoints; docs/core-api.md): the last verified checkpoint, and the last fork, rollback or
 * failed verification, as a code (also the `trustWarning` event). Dispatched to
 * `MeshDevice.trust`.
 */
import { z } from 'zod';
import { method, noRequest, timeSchema, udfSchema } from '../method';

/** A verification that failed: the error code and its reason. */
export const trustWarningSchema = z.strictObject({
  code: z.enum([
    'LOG_INCONSISTENT',
    'PROOF_INVALID',
    'SIGNATURE_INVALID',
    'UNTRUSTED_PROFILE',
    'PROFILE_MISMATCH',
  ]),
  reason: z.string().nullable(),
  service: z.string().nullable(),
  at: timeSchema,
});

export const trustMethods = {
  'trust.status': method(
    noRequest,
    z.strictObject({
      /** The service of this device's account, or null before it has one. */
      service: z.string().nullable(),
      /** UDF of the service key pinned at first contact. */
      serviceKeyUdf: udfSchema.nullable(),
      checkpoint: z
        .strictObject({
          treeSize: z.number().int().nonnegative(),
          verifiedAt: timeSchema.nullable(),
        })
        .nullable(),
      warning: trustWarningSchema.nullable(),
    }),
  ),
} as const;
