/**
 * The fields every profile inherits (draft-hallambaker-mesh-reference-03 section 5.1.1 Entry, 5.1.3
 * Profile). Profile payloads are parsed with loose objects: fields a later version adds survive a
 * parse and re-sign, and the signature always covers the exact bytes that were signed.
 */
import { z } from 'zod';
import { dateTimeSchema } from '../protocol/date-time';

/** Entry + Profile fields (draft-hallambaker-mesh-reference-03 section 5.1.1, 5.1.3). */
export const profileBaseShape = {
  Identifier: z.string().max(256).optional(),
  Names: z.array(z.string().max(256)).max(64).optional(),
  Updated: dateTimeSchema.optional(),
  NotaryToken: z.string().max(1024).optional(),
};
