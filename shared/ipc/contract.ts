/**
 * The typed IPC contract between the renderer and the main process (DESIGN.md section 8;
 * STYLE.md "Boundaries between rooms"): one request channel, one event channel, and one table
 * of methods from which the request schema, the handler types and the renderer's `window.mesh`
 * are all derived. Adding a method: its name in names.ts, its schemas in `meshMethods` here
 * (TypeScript refuses one without the other) and one handler in electron/app/handlers.ts.
 */
import { z } from 'zod';
import { meshErrorCodes } from '../errors';
import { meshMethodNames, type MeshEventName, type MeshMethodName } from './names';

export {
  MESH_EVENT_CHANNEL,
  MESH_INVOKE_CHANNEL,
  meshEventNames,
  meshMethodNames,
  type MeshEventName,
  type MeshMethodName,
} from './names';

// ---- values ----------------------------------------------------------------------------

/** Which Mesh service this device talks to: one configured by URL, or the embedded local one. */
export const serviceLocationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('embedded') }),
  z.strictObject({ kind: z.literal('configured'), url: z.string().min(1) }),
]);
export type ServiceLocation = z.infer<typeof serviceLocationSchema>;

/** What the program is and where it runs: the About panel. Nothing here is secret. */
export const appInfoSchema = z.strictObject({
  name: z.string().min(1),
  version: z.string().min(1),
  platform: z.string().min(1),
  arch: z.string().min(1),
  /** Electron's version, or null where the shell runs outside Electron (browser harness). */
  electron: z.string().min(1).nullable(),
  service: serviceLocationSchema,
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/**
 * Whether this device holds a Mesh profile (seed 001 section 3): with none, the renderer offers
 * onboarding (create, connect, recover). Only public identifiers (UDFs, account) cross IPC.
 */
export const sessionStatusSchema = z.discriminatedUnion('profile', [
  z.strictObject({ profile: z.literal('none') }),
  z.strictObject({
    profile: z.literal('present'),
    /** `local@service`, or null while the profile is not bound to an account. */
    account: z.string().min(1).nullable(),
    /** UDF of the master profile this device belongs to. */
    masterProfileUdf: z.string().min(1),
    /** UDF of this device's own device profile. */
    deviceUdf: z.string().min(1),
    /** This device's name in the profile. */
    deviceName: z.string(),
    /** True when this device holds the master profile's administration keys. */
    administrator: z.boolean(),
  }),
]);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/**
 * Where the Mesh service this device uses stands (DESIGN.md section 8, settings): the embedded
 * local service is a child process that may be starting, ready, failed (it crashed or could not
 * start: the program goes on and says so) or stopped; a configured service is ready as set.
 */
export const serviceStatusSchema = z.strictObject({
  location: serviceLocationSchema,
  state: z.enum(['starting', 'ready', 'failed', 'stopped']),
  /** The base URL requests go to while ready (`http://127.0.0.1:PORT` when embedded), else null. */
  url: z.string().min(1).nullable(),
  /** The service part of account addresses there, `local@<this>` (`127.0.0.1:PORT`), else null. */
  accountService: z.string().min(1).nullable(),
  /** Why it is not ready, for people (failed, stopped); null otherwise. Never a secret. */
  message: z.string().nullable(),
});
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

// ---- methods -----------------------------------------------------------------------------

/** One method of the contract: the schema of its argument list and of its result. */
interface MethodSpec<Args extends z.ZodTuple, Result extends z.ZodType> {
  readonly args: Args;
  readonly result: Result;
}

function method<Args extends z.ZodTuple, Result extends z.ZodType>(
  args: Args,
  result: Result,
): MethodSpec<Args, Result> {
  return { args, result };
}

/**
 * The schemas of every method (names.ts), named `namespace.method` (the namespace becomes
 * `window.mesh.<namespace>`). Results are allow-lists: the main process checks each reply
 * against its schema, so a field that should not cross IPC cannot leak by accident.
 */
export const meshMethods = {
  'app.info': method(z.tuple([]), appInfoSchema),
  'session.status': method(z.tuple([]), sessionStatusSchema),
  'service.status': method(z.tuple([]), serviceStatusSchema),
} as const satisfies { readonly [M in MeshMethodName]: MethodSpec<z.ZodTuple, z.ZodType> };

/** The arguments a caller passes to method M. */
export type MeshArgs<M extends MeshMethodName> = z.input<(typeof meshMethods)[M]['args']>;
/** The arguments a handler of method M receives, after validation. */
export type MeshParsedArgs<M extends MeshMethodName> = z.output<(typeof meshMethods)[M]['args']>;
/** What method M resolves to. */
export type MeshValue<M extends MeshMethodName> = z.output<(typeof meshMethods)[M]['result']>;

/** One request on MESH_INVOKE_CHANNEL: the method's name and its argument list. */
export type MeshRequest = {
  [M in MeshMethodName]: { method: M; args: MeshArgs<M> };
}[MeshMethodName];

/**
 * The runtime schema of a request, a discriminated union on `method` built from the table,
 * checked by the main process on every message before any handler runs.
 */
export const meshRequestSchema = z.discriminatedUnion(
  'method',
  meshMethodNames.map((name) =>
    z.strictObject({ method: z.literal(name), args: meshMethods[name].args }),
  ) as unknown as [
    z.ZodObject<{ method: z.ZodLiteral<MeshMethodName>; args: z.ZodTuple }>,
    ...z.ZodObject<{ method: z.ZodLiteral<MeshMethodName>; args: z.ZodTuple }>[],
  ],
);

// ---- replies and errors ------------------------------------------------------------------

/**
 * The typed error of a failed request: a stable code from shared/errors.ts, a message for
 * people, and structured non-secret details (for bad input, `field` names the bad field).
 */
export const meshIpcErrorSchema = z.strictObject({
  code: z.enum(meshErrorCodes),
  message: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type MeshIpcError = z.infer<typeof meshIpcErrorSchema>;

/**
 * What every request resolves to. Replies are values, never rejections, so the typed error
 * survives the context bridge (which keeps only an Error's message).
 */
export type MeshReply<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: MeshIpcError };

// ---- events ------------------------------------------------------------------------------

/** Every push the main process may send, by name, with the schema of its payload. */
export const meshEvents = {
  /** A new device asks to join and waits for this administrator device (DESIGN.md section 7). */
  pendingApproval: z.strictObject({
    requestId: z.string().min(1),
    deviceUdf: z.string().min(1),
    deviceDescription: z.string(),
    /**
     * The witness both devices show, recomputed by this device (DESIGN.md section 4); null for a
     * request that proved a PIN instead.
     */
    witness: z.string().min(1).nullable(),
    /** The request proved a one-time PIN an administrator issued. */
    pinVerified: z.boolean(),
    /** RFC 3339 time after which the request lapses. */
    expires: z.string().min(1),
  }),
  /** Where synchronisation with the service stands (DESIGN.md section 7, Sync). */
  syncState: z.strictObject({
    state: z.enum(['idle', 'syncing', 'offline', 'failed']),
    /** RFC 3339 time of the last completed sync, or null before the first. */
    lastSyncedAt: z.string().nullable(),
  }),
  /** This device's connection to its account changed (created, requested, accepted, removed...). */
  connectionState: z.strictObject({
    state: z.enum(['unconnected', 'requested', 'connected', 'refused', 'expired', 'removed']),
    /** `local@service`, when known. */
    account: z.string().min(1).nullable(),
    deviceUdf: z.string().min(1).nullable(),
  }),
  /** How far a long operation (create, connect, recover, sync...) has got. */
  progress: z.strictObject({
    operation: z.string().min(1),
    /** The step it is at, in words a person can read. */
    step: z.string(),
    /** Steps done and steps in all, or null when not counted. */
    done: z.number().int().nonnegative().nullable(),
    total: z.number().int().nonnegative().nullable(),
  }),
  /** The Mesh service's state changed (the embedded service started, failed or stopped). */
  serviceState: serviceStatusSchema,
} as const satisfies { readonly [E in MeshEventName]: z.ZodType };

export type MeshEventPayload<E extends MeshEventName> = z.output<(typeof meshEvents)[E]>;
/** One message on MESH_EVENT_CHANNEL. */
export type MeshEventMessage = {
  [E in MeshEventName]: { event: E; payload: MeshEventPayload<E> };
}[MeshEventName];

// ---- the renderer's view: window.mesh ----------------------------------------------------

type NamespaceOf<M extends string> = M extends `${infer N}.${string}` ? N : never;
/** The namespaces of `window.mesh` (`app`, `session`, ...). */
export type MeshNamespace = NamespaceOf<MeshMethodName>;

/** Unsubscribes a listener added with `window.mesh.on`. */
export type MeshUnsubscribe = () => void;

/**
 * The object the preload exposes as `window.mesh`: one function per method, grouped by
 * namespace, each resolving to a MeshReply; and `on` for pushes from the main process.
 */
export type MeshApi = {
  readonly [N in MeshNamespace]: {
    readonly [M in MeshMethodName as M extends `${N}.${infer F}` ? F : never]: (
      ...args: MeshArgs<M>
    ) => Promise<MeshReply<MeshValue<M>>>;
  };
} & {
  readonly on: <E extends MeshEventName>(
    event: E,
    listener: (payload: MeshEventPayload<E>) => void,
  ) => MeshUnsubscribe;
};
