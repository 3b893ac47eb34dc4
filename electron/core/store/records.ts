/**
 * The typed records the local store keeps beside container entries (docs/architecture.md section 7,
 * "Device state"): cached profiles, sync positions, settings. Each is validated when read back, so
 * a record of an unexpected shape is STORE_CORRUPT, never a silent `undefined` field.
 */
import { z } from 'zod';

/** Kinds of named documents in the local store. */
export const documentKinds = [
  'profile',
  'setting',
  'container',
  'log',
  'account',
  'catalog',
] as const;
export type DocumentKind = (typeof documentKinds)[number];

/** A signed object as it travels (CONTRACTS section 2). */
export const signedObjectSchema = z.object({ Identifier: z.string(), SignedData: z.string() });
export type SignedObject = z.infer<typeof signedObjectSchema>;

/**
 * A profile this device fetched and verified, kept so it can work offline (docs/architecture.md 3).
 */
export const cachedProfileSchema = z.object({
  /** The profile type, e.g. `MasterProfile`, `PersonalProfile`, `DeviceProfile`. */
  type: z.string().min(1),
  /** Its Identifier (a UDF). A personal profile carries its master profile's UDF. */
  identifier: z.string().min(1),
  signed: signedObjectSchema,
  /** When this device last verified its signature chain (RFC 3339). */
  verifiedAt: z.string(),
});
export type CachedProfile = z.infer<typeof cachedProfileSchema>;

/**
 * How far this device's replica of one container has synchronised
 * (draft-hallambaker-mesh-protocol-00 section 10.4.5, 10.7).
 */
export const syncPositionSchema = z.object({
  container: z.string().min(1),
  /** Index of the last entry downloaded (0: none yet). */
  index: z.number().int().nonnegative(),
  /** The container digest the service reported with that index, if any. */
  digest: z.string().optional(),
  /** When the replica last synchronised (RFC 3339). */
  updated: z.string(),
});
export type SyncPosition = z.infer<typeof syncPositionSchema>;

/** One entry of a container replica: its index in the container and its (encrypted) bytes. */
export interface ContainerEntry {
  readonly index: number;
  readonly data: Uint8Array;
}

/** A local edit waiting for upload (docs/architecture.md 7, "Sync"), in the order it was made. */
export interface PendingEdit {
  /** Position in the queue; increases, never reused. */
  readonly seq: number;
  readonly container: string;
  /** The entry the edit is about (for per-entry conflict resolution), if the caller names one. */
  readonly key: string | undefined;
  readonly data: Uint8Array;
  readonly queuedAt: string;
}

export const pendingEditSchema = z.object({
  container: z.string().min(1),
  key: z.string().optional(),
  data: z.string(),
  queuedAt: z.string(),
});
