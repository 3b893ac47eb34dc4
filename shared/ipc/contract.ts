/**
 * The typed IPC contract between the renderer and the main process (docs/core-api.md): one
 * request channel, one event channel, and one table of methods, combined here from one file per
 * namespace in `methods/`. From the table come the request schema the main process checks, the
 * reply allow-lists, the types of `window.mesh.<namespace>.<method>(request)`, the names the
 * preload builds `window.mesh` from, and the types of the objects the main process dispatches
 * to (the device core's `MeshDevice` for the core namespaces, the program's own object for the
 * others). Adding a method: one entry in its namespace file, and the method on the object it
 * dispatches to (TypeScript refuses a table entry without it).
 */
import { z } from 'zod';
import { meshErrorCodes } from '../errors';
import type { MethodSpec, MethodTable } from './method';
import { accountMethods, syncStateSchema } from './methods/account';
import { activityMethods } from './methods/activity';
import { appMethods } from './methods/app';
import { connectMethods } from './methods/connect';
import { devicesMethods } from './methods/devices';
import { escrowMethods } from './methods/escrow';
import { mailMethods } from './methods/mail';
import { networkMethods } from './methods/network';
import { passwordsMethods } from './methods/passwords';
import { clipboardMethods } from './methods/clipboard';
import { serviceMethods, serviceStatusSchema } from './methods/service';
import { sessionMethods } from './methods/session';
import { settingsMethods } from './methods/settings';
import { lockStateSchema } from './desktop';
import { trustMethods, trustWarningSchema } from './methods/trust';

export { MESH_EVENT_CHANNEL, MESH_INVOKE_CHANNEL } from './names';
export type { AppInfo } from './methods/app';
export type { ServiceLocation, ServiceStatus } from './methods/service';
export type { AccountStatus, SyncState } from './methods/account';

// ---- the table ----------------------------------------------------------------------------

/** The namespaces dispatched to the device core (`MeshDevice[namespace]`). */
export const coreNamespaces = [
  'account',
  'connect',
  'devices',
  'escrow',
  'passwords',
  'mail',
  'network',
  'activity',
  'trust',
] as const;
export type CoreNamespace = (typeof coreNamespaces)[number];

/**
 * Every method, `namespace.method`. The namespaces not in coreNamespaces (`app`, `service`, and
 * those the desktop program adds: `settings`, `session`, `clipboard`) go to the program's object.
 */
export const meshMethods = {
  ...accountMethods,
  ...connectMethods,
  ...devicesMethods,
  ...escrowMethods,
  ...passwordsMethods,
  ...mailMethods,
  ...networkMethods,
  ...activityMethods,
  ...trustMethods,
  ...appMethods,
  ...serviceMethods,
  ...settingsMethods,
  ...sessionMethods,
  ...clipboardMethods,
} as const satisfies MethodTable;

export type MeshMethods = typeof meshMethods;
export type MeshMethodName = keyof MeshMethods & string;
/** The method names, for the preload (which gets them without the schemas). */
export const meshMethodNames = Object.keys(meshMethods) as MeshMethodName[];

// ---- types derived from a table ------------------------------------------------------------

type Spec = MethodSpec<z.ZodType, z.ZodType>;
type NamespaceOf<M> = M extends `${infer N}.${string}` ? N : never;
type MemberOf<M, N extends string> = M extends `${N}.${infer F}` ? F : never;

/** What a caller passes to a method (before validation: optional fields may be left out). */
export type RequestOf<S extends Spec> = z.input<S['request']>;
/** What a method resolves to. */
export type ReplyOf<S extends Spec> = z.output<S['reply']>;

/**
 * What a caller may add to any call: `call` names it (a fresh id per call, e.g. a random UUID),
 * so that `window.mesh.cancel(call)` can abort it while it runs.
 */
export interface MeshCallOptions {
  readonly call?: string;
}

/** The call of one method, as the caller sees it: no argument when it takes no request. */
export type CallOf<S extends Spec, Result> =
  undefined extends RequestOf<S>
    ? (request?: RequestOf<S>, options?: MeshCallOptions) => Result
    : (request: RequestOf<S>, options?: MeshCallOptions) => Result;

/** The namespaces of a table. */
export type NamespacesOf<T extends MethodTable> = NamespaceOf<keyof T & string>;

/**
 * Options of every dispatched call: only a signal, aborted when the program stops or when the
 * caller cancels the call (`window.mesh.cancel`).
 */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

/** The object that answers namespace N of table T: one method per entry. */
export type HandlerGroup<T extends MethodTable, N extends string> = {
  readonly [M in keyof T & string as MemberOf<M, N>]: undefined extends RequestOf<T[M]>
    ? (request?: RequestOf<T[M]>, options?: CallOptions) => Promise<ReplyOf<T[M]>>
    : (request: RequestOf<T[M]>, options?: CallOptions) => Promise<ReplyOf<T[M]>>;
};

/** What the device core provides: `MeshDevice` has these groups. */
export type CoreApi = { readonly [N in CoreNamespace]: HandlerGroup<MeshMethods, N> };
/** The program's own namespaces. */
export type AppNamespace = Exclude<NamespacesOf<MeshMethods>, CoreNamespace>;
/** What the desktop program provides for its own namespaces. */
export type AppApi = { readonly [N in AppNamespace]: HandlerGroup<MeshMethods, N> };

/**
 * One request on MESH_INVOKE_CHANNEL: the method's name, its one request object (or none) and,
 * when the caller may cancel it, the call's id.
 */
export type MeshRequest = {
  [M in MeshMethodName]: { method: M; request?: RequestOf<MeshMethods[M]>; call?: string };
}[MeshMethodName];

/** The id a caller gives a call it may cancel: 1 to 64 letters, digits, `-` or `_`. */
export const callIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a call id is 1 to 64 letters, digits, - or _');

/** The runtime schema of a request to the methods of `table`, checked before any dispatch. */
export function requestSchemaOf(table: MethodTable) {
  const names = Object.keys(table);
  return z.strictObject({
    method: z.enum(names as [string, ...string[]]),
    request: z.unknown().optional(),
    call: callIdSchema.optional(),
  });
}

/**
 * The other message on MESH_INVOKE_CHANNEL: cancel the running call with this id (its signal is
 * aborted; the call then answers, typically CANCELLED). From the same checked sender only.
 */
export const meshCancelSchema = z.strictObject({ cancel: callIdSchema });
export type MeshCancel = z.infer<typeof meshCancelSchema>;
/** The reply to a cancel: whether a running call had that id. */
export const meshCancelReplySchema = z.strictObject({ cancelled: z.boolean() });
export type MeshCancelReply = z.infer<typeof meshCancelReplySchema>;

// ---- replies and errors --------------------------------------------------------------------

/**
 * The typed error of a failed request: a stable code from shared/errors.ts, a message, and
 * structured non-secret details (for bad input, `field` names the bad field).
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

// ---- events --------------------------------------------------------------------------------

/**
 * Every push the main process may send, with the schema of its payload. Each has a query behind
 * it, so a window that opens late knows the state: pendingApproval ↔ connect.pending, syncState
 * ↔ account.syncState, serviceState ↔ service.status, trustWarning ↔ trust.status,
 * connectionState ↔ account.status, locked ↔ session.state.
 */
export const meshEvents = {
  /** A new device asks to join and waits for this administrator device. */
  pendingApproval: z.strictObject({
    requestId: z.string().min(1),
    deviceUdf: z.string().min(1),
    deviceDescription: z.string(),
    /** The witness recomputed by this device; null for a request that proved a PIN instead. */
    witness: z.string().min(1).nullable(),
    pinVerified: z.boolean(),
    /** RFC 3339 time after which the request lapses. */
    expires: z.string().min(1),
  }),
  /** Where synchronisation with the service stands. */
  syncState: syncStateSchema,
  /** This device's connection to its account changed. */
  connectionState: z.strictObject({
    state: z.enum(['unconnected', 'requested', 'connected', 'refused', 'expired', 'removed']),
    account: z.string().min(1).nullable(),
    deviceUdf: z.string().min(1).nullable(),
  }),
  /** How far a long operation (create, connect, recover, sync...) has got. */
  progress: z.strictObject({
    operation: z.string().min(1),
    step: z.string(),
    done: z.number().int().nonnegative().nullable(),
    total: z.number().int().nonnegative().nullable(),
  }),
  /** The Mesh service's state changed. */
  serviceState: serviceStatusSchema,
  /** A verification of the service's log failed (a fork, a rollback, a bad proof). */
  trustWarning: trustWarningSchema,
  /** The program locked or unlocked (the query behind it: session.state). */
  locked: lockStateSchema,
  /** The application menu, the tray or a notification asks for a screen (a renderer screen id). */
  showScreen: z.strictObject({ screen: z.string().min(1).max(40) }),
  /** An `mcu://` link was opened: the connect step, with the link filled in. */
  connectLink: z.strictObject({ link: z.string().min(1).max(1024) }),
} as const satisfies { readonly [name: string]: z.ZodType };

export type MeshEventName = keyof typeof meshEvents & string;
export const meshEventNames = Object.keys(meshEvents) as MeshEventName[];
export type MeshEventPayload<E extends MeshEventName> = z.output<(typeof meshEvents)[E]>;
/** One message on MESH_EVENT_CHANNEL. */
export type MeshEventMessage = {
  [E in MeshEventName]: { event: E; payload: MeshEventPayload<E> };
}[MeshEventName];

// ---- the renderer's view: window.mesh ------------------------------------------------------

/** Unsubscribes a listener added with `window.mesh.on`. */
export type MeshUnsubscribe = () => void;

/** The renderer's view of a table: one function per method, grouped by namespace. */
export type ApiOf<T extends MethodTable> = {
  readonly [N in NamespacesOf<T>]: {
    readonly [M in keyof T & string as MemberOf<M, N>]: CallOf<
      T[M],
      Promise<MeshReply<ReplyOf<T[M]>>>
    >;
  };
};

/** Aborts the running call named `call` (MeshCallOptions); resolves to whether one ran. */
export type MeshCancelFunction = (call: string) => Promise<MeshReply<MeshCancelReply>>;

/**
 * `window.mesh`: the table's methods, each resolving to a MeshReply, `on` for pushes and
 * `cancel` for a running call.
 */
export type MeshApi = ApiOf<MeshMethods> & {
  readonly on: <E extends MeshEventName>(
    event: E,
    listener: (payload: MeshEventPayload<E>) => void,
  ) => MeshUnsubscribe;
  readonly cancel: MeshCancelFunction;
};
