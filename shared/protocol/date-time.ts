/**
 * DateTime fields of the protocol and the profiles (draft-hallambaker-mesh-reference-03
 * "DateTime"): RFC 3339 in UTC with a
 * `Z`, as Date.prototype.toISOString() writes it. One schema so both ends agree on the form.
 */
import { z } from 'zod';

/** An RFC 3339 UTC date-time string (`2025-01-31T12:00:00.000Z`; fraction optional). */
export const dateTimeSchema = z.iso.datetime({ message: 'must be an RFC 3339 UTC date-time' });

/** The wire form of a time: RFC 3339 UTC with milliseconds. */
export function formatDateTime(date: Date | number): string {
  return new Date(date).toISOString();
}

/** Milliseconds since the epoch of a value that passed dateTimeSchema. */
export function dateTimeMillis(value: string): number {
  return Date.parse(value);
}
