/**
 * `service`: the Mesh service this device uses - configured by URL, or the embedded one the
 * program runs - and where it stands (also the `serviceState` event). Dispatched to the
 * program's own object (electron/app/desktop-api.ts).
 */
import { z } from 'zod';
import { method, noRequest } from '../method';

/** Which Mesh service this device talks to: one configured by URL, or the embedded local one. */
export const serviceLocationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('embedded') }),
  z.strictObject({ kind: z.literal('configured'), url: z.string().min(1) }),
]);
export type ServiceLocation = z.infer<typeof serviceLocationSchema>;

/**
 * Where the service stands: the embedded one may be starting, ready, failed or stopped; a
 * configured one is ready as set.
 */
export const serviceStatusSchema = z.strictObject({
  location: serviceLocationSchema,
  state: z.enum(['starting', 'ready', 'failed', 'stopped']),
  /** The base URL requests go to while ready, else null. */
  url: z.string().min(1).nullable(),
  /** The service part of account addresses there (`127.0.0.1:PORT`), else null. */
  accountService: z.string().min(1).nullable(),
  /** Why it is not ready, for people; null otherwise. Never a secret. */
  message: z.string().nullable(),
});
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

export const serviceMethods = {
  'service.status': method(noRequest, serviceStatusSchema),
} as const;
