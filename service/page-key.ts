/**
 * Page keys (draft-hallambaker-mesh-reference-03 section 7.4.4 SearchConstraints.PageKey): opaque
 * to clients, they carry the query and the position to continue from, authenticated with an HMAC
 * under a service secret so a client cannot forge one (e.g. to page through another account's
 * data). Form: base64url(JSON {k: kind, s: state}) "." base64url(HMAC-SHA-256(secret, first
 * part))[0..16].
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { MeshError } from '../shared/errors';

function invalid(field: string): MeshError {
  return new MeshError('INVALID_MESSAGE', `${field}: not a page key this service issued`, {
    field,
  });
}

/** Issues and opens page keys. */
export class PageKeys {
  constructor(private readonly secret: Buffer) {}

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, 16);
  }

  /** A page key of `kind` carrying `state`. */
  issue(kind: string, state: unknown): string {
    const body = Buffer.from(JSON.stringify({ k: kind, s: state })).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The state of a page key of `kind`; INVALID_MESSAGE naming `field` if forged or foreign. */
  open<T>(kind: string, pageKey: string, schema: z.ZodType<T>, field: string): T {
    const [body, tag, extra] = pageKey.split('.');
    if (body === undefined || tag === undefined || extra !== undefined) throw invalid(field);
    const given = Buffer.from(tag, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid(field);
    let parsed: { k?: unknown; s?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      throw invalid(field);
    }
    const state = schema.safeParse(parsed.s);
    if (parsed.k !== kind || !state.success) throw invalid(field);
    return state.data;
  }
}
