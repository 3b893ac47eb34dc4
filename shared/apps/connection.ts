import { z } from 'zod';

/**
 * Connection (draft-hallambaker-mesh-reference-03 section 5.6.1): how an application reaches one
 * service, e.g. an IMAP or SMTP server of a mail account.
 */

/**
 * Security modes of draft-hallambaker-mesh-reference-03 section 5.6.1: Direct = TLS from the first
 * byte (RFC 8314 implicit TLS, autoconfig "SSL"), Upgrade = STARTTLS, None = a plain socket.
 */
export const connectionSecuritySchema = z.enum(['Direct', 'Upgrade', 'None']);
export type ConnectionSecurity = z.infer<typeof connectionSecuritySchema>;

export const connectionSchema = z.strictObject({
  /** DNS address of the server. */
  ServiceName: z.string().min(1).max(300).optional(),
  Port: z.number().int().min(1).max(65_535).optional(),
  /** DNS service prefix (RFC 6335), e.g. `_imaps._tcp`; says which protocol this is. */
  Prefix: z.string().max(100).optional(),
  /** Acceptable security modes, preferred first. */
  Security: z.array(connectionSecuritySchema).max(3).default([]),
  UserName: z.string().max(1000).optional(),
  Password: z.string().max(10_000).optional(),
  /** Service connection parameters in URI form, e.g. `imaps://imap.example.com:993`. */
  URI: z.string().max(2000).optional(),
  /** Acceptable authentication mechanisms, preferred first, separated by spaces. */
  Authentication: z.string().max(1000).optional(),
  /** Service timeout in seconds. */
  TimeOut: z.number().int().min(1).max(86_400).optional(),
  /** When true the client polls the service now and then for updates. */
  Polling: z.boolean().optional(),
});
export type Connection = z.infer<typeof connectionSchema>;

/** A connection as shown: without its password. */
export function connectionView(connection: Connection) {
  const { Password, ...shown } = connection;
  return { ...shown, hasPassword: Password !== undefined && Password !== '' };
}
