/**
 * The main-process end of the IPC contract (docs/core-api.md): checks every request against the
 * table (its method name, then its one request object against the method's schema) before
 * anything runs, calls `target[namespace][method](request, { signal })` on the object the
 * namespace is routed to, checks the reply against the method's reply schema (an allow-list),
 * and always answers a MeshReply, with a typed error for bad input or failure. Generic: there is
 * no handler per method. Isomorphic: the Electron main process and the browser harness run it.
 *
 * Cancelling, generic too: a request may carry a call id (`call`); while it runs, the message
 * `{ cancel: <id> }` aborts the signal its method was given (the core's methods stop at their next
 * step and answer CANCELLED). Both travel on the one channel, so the sender check in front of the
 * dispatcher (electron/app/ipc.ts, the harness's token) covers the cancel as well.
 */
import type { z } from 'zod';
import { isMeshError, MeshError } from '../errors';
import {
  meshCancelSchema,
  meshMethods,
  requestSchemaOf,
  type AppApi,
  type CallOptions,
  type CoreApi,
  type CoreNamespace,
  coreNamespaces,
  type MeshIpcError,
  type MeshReply,
} from './contract';
import type { MethodTable } from './method';

/** Answers one raw request (whatever arrived on the channel) with a reply. Never rejects. */
export type MeshDispatcher = (request: unknown) => Promise<MeshReply<unknown>>;

/** Told about failures that are our fault (a non-MeshError thrown, a reply outside the table). */
export type InternalErrorListener = (method: string, error: unknown) => void;

/** An object with one group of methods per namespace it answers. */
export type DispatchTarget = Readonly<Record<string, unknown>>;

/** Which object answers a namespace (it may have to be opened first: hence a promise). */
export type MeshRoute = (namespace: string) => DispatchTarget | Promise<DispatchTarget>;

/** A failed reply with a typed error. */
export function meshFailure(
  code: MeshIpcError['code'],
  message: string,
  details: MeshIpcError['details'] = {},
): MeshReply<never> {
  return { ok: false, error: { code, message, details } };
}

/** The dotted path of the field a schema issue is about, e.g. `request.name`, or `request`. */
export function fieldOfIssue(issue: z.core.$ZodIssue, prefix?: string): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path;
  const parts = [...(prefix === undefined ? [] : [prefix]), ...path.map(String)];
  return parts.length === 0 ? 'request' : parts.join('.');
}

function badRequest(error: z.ZodError, prefix?: string): MeshReply<never> {
  const issue = error.issues[0];
  const field = issue ? fieldOfIssue(issue, prefix) : 'request';
  return meshFailure(
    'INVALID_ARGUMENT',
    `Bad request: ${field}: ${issue?.message ?? 'does not match the contract'}`,
    { field },
  );
}

/**
 * The route of the desktop program: core namespaces to the one device (opened on demand), the
 * others to the program's own object.
 */
export function meshRoute(targets: {
  readonly device: () => Promise<CoreApi>;
  readonly app: AppApi;
}): MeshRoute {
  const core = new Set<string>(coreNamespaces);
  return (namespace) =>
    core.has(namespace as CoreNamespace)
      ? targets.device()
      : (targets.app as unknown as DispatchTarget);
}

/** Builds the dispatcher of `table` (default: the contract's) over a route (module comment). */
export function createMeshDispatcher(
  route: MeshRoute,
  options: {
    readonly onInternalError?: InternalErrorListener;
    readonly signal?: AbortSignal;
    readonly table?: MethodTable;
  } = {},
): MeshDispatcher {
  const table: MethodTable = options.table ?? meshMethods;
  const envelope = requestSchemaOf(table);
  const onInternalError = options.onInternalError ?? (() => {});
  const programSignal = options.signal;
  /** The calls running with an id, by id: what a cancel aborts. */
  const running = new Map<string, AbortController>();
  return async (raw) => {
    if (typeof raw === 'object' && raw !== null && 'cancel' in raw) {
      const cancel = meshCancelSchema.safeParse(raw);
      if (!cancel.success) return badRequest(cancel.error);
      const controller = running.get(cancel.data.cancel);
      controller?.abort(new MeshError('CANCELLED', 'the call was cancelled'));
      return { ok: true, value: { cancelled: controller !== undefined } };
    }
    const parsed = envelope.safeParse(raw);
    if (!parsed.success) return badRequest(parsed.error);
    const name = parsed.data.method;
    const spec = table[name]!;
    const request = spec.request.safeParse(parsed.data.request);
    if (!request.success) return badRequest(request.error, 'request');
    const call = parsed.data.call;
    if (call !== undefined && running.has(call)) {
      return meshFailure('INVALID_ARGUMENT', 'Bad request: call: a call with this id is running', {
        field: 'call',
      });
    }
    const controller = call === undefined ? undefined : new AbortController();
    if (call !== undefined && controller !== undefined) running.set(call, controller);
    const signals = [programSignal, controller?.signal].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const callOptions: CallOptions =
      signals.length === 0
        ? {}
        : { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) };
    const dot = name.indexOf('.');
    const namespace = name.slice(0, dot);
    const member = name.slice(dot + 1);
    let value: unknown;
    try {
      const target = await route(namespace);
      const group = target[namespace] as Record<string, unknown> | undefined;
      const handler = group?.[member];
      if (typeof handler !== 'function') {
        throw new Error(`${name} has no implementation`);
      }
      value = await (handler as (r: unknown, o: CallOptions) => Promise<unknown>).call(
        group,
        request.data,
        callOptions,
      );
    } catch (error) {
      if (isMeshError(error)) {
        return meshFailure(error.code, error.message, { ...error.details });
      }
      if (controller?.signal.aborted === true) {
        // Cancelled, and the method failed some other way on its way out (e.g. an AbortError).
        return meshFailure('CANCELLED', `${name} was cancelled`, { method: name });
      }
      onInternalError(name, error);
      return meshFailure('INTERNAL', `${name} failed inside the program`, { method: name });
    } finally {
      if (call !== undefined) running.delete(call);
    }
    const checked = spec.reply.safeParse(value);
    if (!checked.success) {
      onInternalError(name, checked.error);
      return meshFailure('INTERNAL', `${name} produced a reply outside the contract`, {
        method: name,
      });
    }
    return { ok: true, value: checked.data };
  };
}
