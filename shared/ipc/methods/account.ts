/**
 * `account`: this device's account - where it stands, a name checked as it is typed, a new
 * account, a sync and where syncing stands (docs/core-api.md). Dispatched to
 * `MeshDevice.account`.
 */
import { z } from 'zod';
import { method, noRequest, timeSchema, udfSchema } from '../method';

/** Where this device stands towards an account (the `connectionState` event's states). */
export const connectionStateSchema = z.enum([
  'unconnected',
  'requested',
  'connected',
  'refused',
  'expired',
  'removed',
]);

/** What account.status answers: only public identifiers, never a key. */
export const accountStatusSchema = z.strictObject({
  state: connectionStateSchema,
  /** `local@service`, once the device has one (also while requested). */
  address: z.string().min(1).nullable(),
  /** The service part of the address (`host[:port]`). */
  service: z.string().min(1).nullable(),
  /** While requested: the witness of the request, to compare with the administrator device's. */
  witness: z.string().min(1).nullable(),
  /** UDF of the master profile: the account's fingerprint. */
  profileUdf: udfSchema.nullable(),
  /** UDF of this device's own device profile. */
  deviceUdf: udfSchema.nullable(),
  deviceName: z.string().nullable(),
  role: z.enum(['administrator', 'device']).nullable(),
  /** Devices in the personal profile this device holds. */
  devices: z.number().int().nonnegative().nullable(),
  /** When the profile version this device holds was made. */
  profileUpdated: timeSchema.nullable(),
  /** When a catalog last synchronised. */
  lastSync: timeSchema.nullable(),
  /** The service answered (refresh asked for it). */
  online: z.boolean(),
});
export type AccountStatus = z.infer<typeof accountStatusSchema>;

/** An account this device administers: created here or recovered here. */
export const administeredAccountSchema = z.strictObject({
  address: z.string().min(1),
  account: z.string().min(1),
  profileUdf: udfSchema,
  deviceUdf: udfSchema,
  deviceName: z.string(),
});

/** Where synchronisation with the service stands (also the `syncState` event). */
export const syncStateSchema = z.strictObject({
  state: z.enum(['idle', 'syncing', 'offline', 'failed']),
  /** RFC 3339 time of the last completed sync, or null before the first. */
  lastSyncedAt: timeSchema.nullable(),
  /** For failed and offline: the error code. */
  code: z.string().nullable(),
  /** Local edits still to upload. */
  pending: z.number().int().nonnegative(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

const catalogType = z.enum(['password', 'mail', 'network']);

export const accountMethods = {
  'account.status': method(
    z.strictObject({ refresh: z.boolean().optional() }).optional(),
    accountStatusSchema,
  ),
  /** Check an account name or address as it is typed (no service round trip). */
  'account.validate': method(
    z.strictObject({ name: z.string().max(1000) }),
    z.strictObject({
      valid: z.boolean(),
      /** The full address the name stands for (`local@service`), when valid. */
      address: z.string().nullable(),
      /** Why not: a code (`empty`, `characters`, `length`, `edges`, `dots`, `service`). */
      problem: z.string().nullable(),
      /** The characters refused, without repeats. */
      invalidCharacters: z.string().nullable(),
    }),
  ),
  'account.create': method(
    z.strictObject({
      /** `local@service`, or `local` alone for the device's default service. */
      address: z.string().min(1).max(1000),
      deviceName: z.string().max(256).optional(),
    }),
    administeredAccountSchema,
  ),
  'account.sync': method(
    z
      .strictObject({
        /** Fetch and verify the personal profile even when nothing calls for it. */
        refreshProfile: z.boolean().optional(),
      })
      .optional(),
    z.strictObject({
      downloaded: z.number().int().nonnegative(),
      uploaded: z.number().int().nonnegative(),
      conflicts: z.number().int().nonnegative(),
      /** For each conflict, in order, whose version stayed current (the other is in its history). */
      conflictsKept: z.array(z.enum(['local', 'remote'])),
      profileRefreshed: z.boolean(),
      catalogs: z.array(
        z.strictObject({
          type: catalogType,
          /** This device holds the catalog's key (false: not shared with it yet). */
          shared: z.boolean(),
          entries: z.number().int().nonnegative(),
          pending: z.number().int().nonnegative(),
          /** Records written by a later version of Mesh, skipped here. */
          unreadable: z.number().int().nonnegative(),
        }),
      ),
      /** Records carried over to an application's new container after a key rotation. */
      carriedOver: z.number().int().nonnegative(),
      /** Application profiles this administrator device created, shared and rotated. */
      created: z.array(catalogType),
      shared: z.array(catalogType),
      rotated: z.array(catalogType),
      checkpointSize: z.number().int().nonnegative(),
      /**
       * Entries the service refused as too large (its body limit is below the entry), set aside:
       * kept on this device, not uploaded until they are made smaller.
       */
      failed: z.array(z.strictObject({ type: catalogType, id: z.string().min(1).max(256) })),
    }),
  ),
  'account.syncState': method(noRequest, syncStateSchema),
} as const;
