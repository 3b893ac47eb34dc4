/**
 * `mail`: the mail accounts of the account (draft-hallambaker-mesh-schema §5.8): servers found
 * by discovery or typed, never a server password in a reply (`hasPassword` says whether one is
 * kept) (docs/core-api.md). Dispatched to `MeshDevice.mail`.
 */
import { z } from 'zod';
import { connectionSchema } from '../../apps/connection';
import { method, noRequest, timeSchema } from '../method';

const address = z.string().min(3).max(320);

/** A server connection as shown: the seed's Connection without its password. */
export const connectionViewSchema = connectionSchema.omit({ Password: true }).extend({
  hasPassword: z.boolean(),
});

export const mailAccountSchema = z.strictObject({
  id: z.string(),
  address,
  displayName: z.string().nullable(),
  accountName: z.string().nullable(),
  replyTo: z.string().nullable(),
  inbound: z.array(connectionViewSchema),
  outbound: z.array(connectionViewSchema),
  updated: timeSchema,
});

const warning = z.strictObject({
  code: z.string(),
  message: z.string(),
  server: z.string().nullable(),
});

const discoverySchema = z.strictObject({
  found: z.boolean(),
  method: z.string().nullable(),
  source: z.string().nullable(),
  providerName: z.string().nullable(),
  inbound: z.array(connectionViewSchema),
  outbound: z.array(connectionViewSchema),
  warnings: z.array(warning),
  attempts: z.array(
    z.strictObject({
      method: z.string(),
      target: z.string(),
      outcome: z.string(),
      detail: z.string().nullable(),
    }),
  ),
});

const added = z.strictObject({
  account: mailAccountSchema,
  warnings: z.array(warning),
  discovery: discoverySchema.nullable(),
});

const accountInput = {
  displayName: z.string().max(300).optional(),
  accountName: z.string().max(300).optional(),
  replyTo: z.string().max(320).optional(),
  inbound: z.array(connectionSchema).max(20).optional(),
  outbound: z.array(connectionSchema).max(20).optional(),
};

export const mailMethods = {
  'mail.list': method(noRequest, z.array(mailAccountSchema)),
  /** Accounts changed on this device and not uploaded yet (`account.sync` uploads them). */
  'mail.pending': method(noRequest, z.strictObject({ pending: z.number().int().nonnegative() })),
  'mail.get': method(z.strictObject({ address }), mailAccountSchema),
  /**
   * The server passwords of one account, for the person who asked (`mesh mail get
   * --show-passwords`): one per server in the order `mail.get` lists them, null where none is kept.
   */
  'mail.revealPasswords': method(
    z.strictObject({ address }),
    z.strictObject({
      inbound: z.array(z.string().nullable()),
      outbound: z.array(z.string().nullable()),
    }),
  ),
  'mail.discover': method(z.strictObject({ address }), discoverySchema),
  /** Add an account; with `discover`, servers not given are found (RFC 6186, autoconfig). */
  'mail.add': method(
    z.strictObject({
      address,
      ...accountInput,
      discover: z.boolean().optional(),
      username: z.string().max(1000).optional(),
      password: z.string().max(10_000).optional(),
      /** DNS servers (host or host:port) for the SRV look-ups of `discover`; default the system's. */
      dnsServers: z.array(z.string().min(1).max(300)).min(1).max(10).optional(),
    }),
    added,
  ),
  'mail.update': method(
    z.strictObject({
      address,
      changes: z.strictObject({ address: address.optional(), ...accountInput }),
    }),
    mailAccountSchema,
  ),
  'mail.delete': method(z.strictObject({ address }), z.strictObject({ address })),
  'mail.exportAutoconfig': method(
    z.strictObject({ address, includePasswords: z.boolean().optional() }),
    z.strictObject({ xml: z.string() }),
  ),
  'mail.importAutoconfig': method(
    z.strictObject({
      xml: z.string().max(256 * 1024),
      address: address.optional(),
      accountName: z.string().max(300).optional(),
    }),
    added,
  ),
} as const;
