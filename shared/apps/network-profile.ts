import { z } from 'zod';
import { connectionSchema } from './connection';
import { catalogEntrySchema } from './entry';
import { sitePatternSchema } from './password-entry';

/** The content of NetworkProfilePrivate (draft-hallambaker-mesh-reference-03 section 5.9.2). */
export const networkProfileContentShape = {
  /** Sites the profile applies to; `*.example.com` matches www.example.com etc. */
  Sites: z.array(sitePatternSchema).max(100).default([]),
  /** DNS resolution services, preferred first. */
  DNS: z.array(connectionSchema).max(20).default([]),
  /** DNS prefixes (search domains) to search. */
  Prefix: z.array(z.string().min(1).max(300)).max(50).default([]),
  /** Certificate Trust List giving WebPKI roots to trust, base64url. */
  CTL: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'CTL is base64url')
    .max(1_000_000)
    .optional(),
  /** UDF fingerprints of the keys accepted as Web PKI trust roots. */
  WebPKI: z.array(z.string().min(1).max(256)).max(1000).default([]),
} as const;

/** NetworkProfilePrivate (draft-hallambaker-mesh-reference-03 section 5.9.2). */
export const networkProfilePrivateSchema = z.strictObject(networkProfileContentShape);
export type NetworkProfilePrivate = z.infer<typeof networkProfilePrivateSchema>;

/** One network profile entry of the network catalog, with metadata and history. */
export const networkProfileEntrySchema = catalogEntrySchema(networkProfileContentShape);
export type NetworkProfileEntry = z.infer<typeof networkProfileEntrySchema>;
