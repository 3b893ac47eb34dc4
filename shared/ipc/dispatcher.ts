/**
 * The main-process end of the IPC contract (DESIGN.md section 8): checks every request against
 * the contract's schema before any handler runs, calls the one handler of the method, checks
 * the result against the method's result schema (an allow-list), and always answers a
 * MeshReply, with a typed error for bad input or failure. Isomorphic: the Electron main process
 * and the browser test harness run this same code.
 */
import type { z } from 'zod';
import { isMeshError } from '../errors';
import {
  meshMethods,
  meshRequestSchema,
  type MeshIpcError,
  type MeshMethodName,
  type MeshParsedArgs,
  type MeshReply,
  type MeshValue,
} from './contract';

/** One handler per method of the contract; each resolves to the method's result. */
export type MeshHandlers = {
  readonly [M in MeshMethodName]: (...args: MeshParsedArgs<M>) => Promise<MeshValue<M>>;
};

/** Answers one raw request (whatever arrived on the channel) with a reply. Never rejects. */
export type MeshDispatcher = (request: unknown) => Promise<MeshReply<unknown>>;

/** Told about failures that are our fault (a handler threw a non-MeshError, a bad result). */
export type InternalErrorListener = (method: MeshMethodName, error: unknown) => void;

/** A failed reply with a typed error. */
export function meshFailure(
  code: MeshIpcError['code'],
  message: string,
  details: MeshIpcError['details'] = {},
): MeshReply<never> {
  return { ok: false, error: { code, message, details } };
}

/** The dotted path of the field a schema issue is about, e.g. `args.0.name`, or `request`. */
export function fieldOfIssue(issue: z.core.$ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path;
  return path.length === 0 ? 'request' : path.map(String).join('.');
}

/**
 * Builds the dispatcher over a complete set of handlers (DESIGN.md section 8: "validates every
 * request against its schema ... and answers a typed error on bad input").
 */
export function createMeshDispatcher(
  handlers: MeshHandlers,
  onInternalError: InternalErrorListener = () => {},
): MeshDispatcher {
  return async (request) => {
    const parsed = meshRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue ? fieldOfIssue(issue) : 'request';
      return meshFailure(
        'INVALID_ARGUMENT',
        `Bad request: ${field}: ${issue?.message ?? 'does not match the contract'}`,
        { field },
      );
    }
    const name = parsed.data.method;
    const handler = handlers[name] as (...args: unknown[]) => Promise<unknown>;
    let value: unknown;
    try {
      value = await handler(...parsed.data.args);
    } catch (error) {
      if (isMeshError(error)) {
        return meshFailure(error.code, error.message, { ...error.details });
      }
      onInternalError(name, error);
      return meshFailure('INTERNAL', `${name} failed inside the program`, { method: name });
    }
    const checked = meshMethods[name].result.safeParse(value);
    if (!checked.success) {
      onInternalError(name, checked.error);
      return meshFailure('INTERNAL', `${name} produced a reply outside the contract`, {
        method: name,
      });
    }
    return { ok: true, value: checked.data };
  };
}
