/**
 * ValidateAccount (draft-hallambaker-mesh-reference-03 section 7.6): is a proposed account name
 * acceptable and free.
 */
import { z } from 'zod';
import { accountFieldSchema, requestBaseShape, responseBaseShape } from '../common';

/** ValidateRequest (draft-hallambaker-mesh-reference-03 section 7.6.1). */
export const validateRequestSchema = z.strictObject({
  ...requestBaseShape,
  Account: accountFieldSchema,
  Reserve: z.boolean().optional(),
  Language: z.array(z.string().max(32)).max(16).optional(),
});
export type ValidateRequest = z.infer<typeof validateRequestSchema>;

/** ValidateResponse (draft-hallambaker-mesh-reference-03 section 7.6.2). */
export const validateResponseSchema = z.object({
  ...responseBaseShape,
  Valid: z.boolean(),
  Minimum: z.int(),
  Maximum: z.int(),
  InvalidCharacters: z.string(),
  Reason: z.string().optional(),
});
export type ValidateResponse = z.infer<typeof validateResponseSchema>;
