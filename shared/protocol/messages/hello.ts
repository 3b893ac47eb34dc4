/**
 * Hello (draft-hallambaker-mesh-reference-03 section 7.5; draft-hallambaker-mesh-protocol-00
 * section 10.5): versions, encodings, account policy, service key, limits.
 */
import { z } from 'zod';
import { publicKeyEntrySchema } from '../../profiles/public-key-entry';
import { requestBaseShape, responseBaseShape } from '../common';
import { dateTimeSchema } from '../date-time';

/** HelloRequest (draft-hallambaker-mesh-reference-03 section 7.5.1). */
export const helloRequestSchema = z.strictObject({ ...requestBaseShape });
export type HelloRequest = z.infer<typeof helloRequestSchema>;

/** Version (draft-hallambaker-mesh-reference-03 section 7.4.1). */
export const versionSchema = z.object({
  Major: z.int(),
  Minor: z.int(),
  Encodings: z.array(z.object({ ID: z.array(z.string()) })).optional(),
  URI: z.array(z.string()).optional(),
});

/** PolicyAccount (draft-hallambaker-mesh-protocol-00 section 10.4.4). */
export const policyAccountSchema = z.object({
  Minimum: z.int(),
  Maximum: z.int(),
  InvalidCharacters: z.string(),
});

/** The service's configured limits (docs/architecture.md section 6). */
export const serviceLimitsSchema = z.object({
  /** Largest request body accepted, in bytes (413 above). */
  MaxRequestBytes: z.int(),
  /** Most entries one page of Get, Download, ConnectPending or Transfer returns. */
  MaxEntriesPerPage: z.int(),
  /** Most unanswered connection requests one account may have (503 above). */
  MaxPendingConnections: z.int(),
  /** Sustained requests per second one client may make (503 above), and the burst allowed. */
  RequestsPerSecond: z.number(),
  RequestBurst: z.int(),
  /** Longest ConnectStatus long poll, in seconds. */
  MaxWaitSeconds: z.int(),
  /** How far a request's Authorization time may be from the service clock, in seconds. */
  AuthenticationWindowSeconds: z.int(),
  /** Largest body of a request anyone may send unsigned (ConnectStart, CreateAccount, Get...). */
  MaxPublicRequestBytes: z.int().optional(),
});

/**
 * HelloResponse (draft-hallambaker-mesh-reference-03 section 7.5.2 with
 * draft-hallambaker-mesh-protocol-00 section 10.5.1 and docs/architecture.md section 5).
 */
export const helloResponseSchema = z.object({
  ...responseBaseShape,
  Version: versionSchema,
  Alternates: z.array(versionSchema).optional(),
  PolicyAccount: policyAccountSchema,
  /** The Ed25519 key that signs the log's checkpoints. */
  ServiceKey: publicKeyEntrySchema,
  /** The service clock, so a client can tell a skewed clock from a bad signature. */
  Time: dateTimeSchema,
  Limits: serviceLimitsSchema,
});
export type HelloResponse = z.infer<typeof helloResponseSchema>;
