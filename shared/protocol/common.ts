/**
 * Structures shared by several protocol messages (draft-hallambaker-mesh-reference-03 section 7.4;
 * draft-hallambaker-mesh-protocol-00 section 10.4), PascalCase as on the wire. Request schemas are
 * strict (an unknown field is a 400 naming it); response schemas are allow-lists (a field not
 * declared here never leaves the service).
 */
import { z } from 'zod';
import { signedCheckpointSchema } from '../merkle/checkpoint';
import { dateTimeSchema } from './date-time';
import { statusCodes } from './status-codes';

/** Fields of every request (draft-hallambaker-mesh-reference-03 section 7.1.1 MeshRequest). */
export const requestBaseShape = {
  /**
   * Name of the service the request is directed to (draft-hallambaker-mesh-reference-03 section
   * 7.1.1); informational.
   */
  Portal: z.string().max(256).optional(),
};

/** Fields of every response (draft-hallambaker-mesh-reference-03 section 7.2.1 MeshResponse). */
export const responseBaseShape = {
  Status: z
    .int()
    .refine((status) => (statusCodes as readonly number[]).includes(status), 'unknown status'),
  StatusDescription: z.string().max(4096),
};

/** MeshResponse: what a failure carries, and what any request may be answered with. */
export const meshResponseSchema = z.object(responseBaseShape);
export type MeshResponse = z.infer<typeof meshResponseSchema>;

/**
 * An account field: the local part (docs/module-contracts.md section 4); the policy is checked by
 * the service.
 */
export const accountFieldSchema = z.string().min(1).max(256);

/** A count in a request (entries, indexes, sizes). */
export const countSchema = z.int().min(0);

/**
 * An opaque page key returned by a previous search (draft-hallambaker-mesh-reference-03 section
 * 7.4.4).
 */
export const pageKeySchema = z.string().min(1).max(4096);

/** SearchConstraints (draft-hallambaker-mesh-reference-03 section 7.4.4). */
export const searchConstraintsSchema = z.strictObject({
  NotBefore: dateTimeSchema.optional(),
  Before: dateTimeSchema.optional(),
  MaxEntries: z.int().min(1).optional(),
  MaxBytes: z.int().min(1).optional(),
  PageKey: pageKeySchema.optional(),
});
export type SearchConstraints = z.infer<typeof searchConstraintsSchema>;

/** KeyValue (draft-hallambaker-mesh-reference-03 section 7.4.3). */
export const keyValueSchema = z.strictObject({
  Key: z.string().min(1).max(64),
  Value: z.string().max(1024),
});
export type KeyValue = z.infer<typeof keyValueSchema>;

/**
 * A container name: a catalog or spool of an account (draft-hallambaker-mesh-protocol-00 section
 * 4.6).
 */
export const containerNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1 to 64 letters, digits, ".", "-" or "_", starting with a letter or digit',
  );

/**
 * The inbound spool of an account, where Post delivers (draft-hallambaker-mesh-protocol-00 section
 * 10.9).
 */
export const INBOUND_SPOOL = 'mmm_Inbound';

/** Largest payload of one container entry, in characters. */
export const MAX_ENTRY_PAYLOAD = 10_000_000;

/**
 * An entry to add to a container: an opaque payload the service never reads
 * (draft-hallambaker-mesh-protocol-00 section 10.4.6).
 */
export const entryUploadSchema = z.strictObject({
  Payload: z.string().min(1).max(MAX_ENTRY_PAYLOAD),
});
export type EntryUpload = z.infer<typeof entryUploadSchema>;

/** A stored container entry as Download returns it. */
export const containerEntrySchema = z.object({
  /** Position in the container, from 1. */
  Index: z.int().min(1),
  Published: dateTimeSchema,
  /** The account that posted it (Post), or the owner (Upload). */
  Sender: z.string().optional(),
  Payload: z.string(),
});
export type ContainerEntry = z.infer<typeof containerEntrySchema>;

/**
 * ContainerStatus (draft-hallambaker-mesh-protocol-00 section 10.4.5): last index and running
 * digest of a container.
 */
export const containerStatusSchema = z.object({
  Container: z.string(),
  /** Index of the last entry; 0 for an empty container. */
  Index: z.int().min(0),
  /**
   * base64url of the running digest: d0 = 32 zero bytes,
   * d(i) = SHA-256(d(i-1) || SHA-256(UTF-8 of entry i's Payload)).
   */
  Digest: z.string(),
});
export type ContainerStatus = z.infer<typeof containerStatusSchema>;

/**
 * EntryResponse (draft-hallambaker-mesh-protocol-00 section 10.8.3): what became of one uploaded or
 * posted entry.
 */
export const entryResponseSchema = z.object({
  Account: z.string().optional(),
  Container: z.string(),
  /** Position of the entry in the request, from 0. */
  IndexRequest: z.int().min(0),
  /** Index assigned in the container, when accepted. */
  IndexContainer: z.int().min(1).optional(),
  Result: z.enum(['Accept', 'Reject', 'Conflict']),
});
export type EntryResponse = z.infer<typeof entryResponseSchema>;

/** A checkpoint of the service log with its signature (shared/merkle/checkpoint.ts). */
export const checkpointFieldSchema = signedCheckpointSchema;

/** A Merkle proof: base64url hashes, bottom-up (RFC 9162 2.1.3 / 2.1.4). */
export const proofPathSchema = z.array(z.string()).max(128);

/**
 * Transaction identifier: the position of a log entry, from 1 (draft-hallambaker-mesh-reference-03
 * section 3.1.4).
 */
export const transactionIdSchema = z.int().min(1);
