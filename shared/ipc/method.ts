/**
 * One entry of the IPC table: the schema of a method's request (one object, or none) and of its
 * reply (an allow-list). Every namespace file in `methods/` builds its entries with `method`;
 * contract.ts combines them into the table the main process, the preload and the renderer's
 * types all come from (docs/core-api.md).
 */
import { z } from 'zod';

/** The request and reply schemas of one method. */
export interface MethodSpec<Request extends z.ZodType, Reply extends z.ZodType> {
  readonly request: Request;
  readonly reply: Reply;
}

/** A method that takes no request. */
export const noRequest = z.undefined();

/** One table entry. */
export function method<Request extends z.ZodType, Reply extends z.ZodType>(
  request: Request,
  reply: Reply,
): MethodSpec<Request, Reply> {
  return { request, reply };
}

/** Any table (or a namespace's part of it). */
export type MethodTable = { readonly [name: string]: MethodSpec<z.ZodType, z.ZodType> };

/** An RFC 3339 time instant as the core writes it. */
export const timeSchema = z.string().min(1).max(64);
/** A UDF as text (the core checks its form). */
export const udfSchema = z.string().min(1).max(256);
/** What a person typed: any text of a sane length. */
export const textSchema = z.string().max(10_000);
