/**
 * ApplicationProfileEntry (draft-hallambaker-mesh-reference-03 section 5.5.4; docs/architecture.md
 * section 3): an application profile listed in the personal profile. Loose: the application
 * profiles add their own fields.
 */
import { z } from 'zod';

/** ApplicationProfileEntry (draft-hallambaker-mesh-reference-03 section 5.5.4). */
export const applicationProfileEntrySchema = z.looseObject({
  Identifier: z.string().min(1).max(256),
  Type: z.string().min(1).max(64),
  Friendly: z.string().max(256).optional(),
  SignID: z.array(z.string().max(256)).max(256).optional(),
  DecryptID: z.array(z.string().max(256)).max(256).optional(),
});
export type ApplicationProfileEntry = z.infer<typeof applicationProfileEntrySchema>;
