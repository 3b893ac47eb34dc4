/**
 * `device.mail` (docs/core-api.md) over the mail application: accounts and their servers, never
 * a server password in a reply (`hasPassword` says whether one is kept; the autoconfig export
 * holds them only when asked).
 */
import { connectionSchema, connectionView, type Connection } from '../../../shared/apps/connection';
import type { MailAccountEntry } from '../../../shared/apps/mail-profile';
import { MeshError } from '../../../shared/errors';
import type { MailAccountInput } from './mail-catalog';
import type { MailWarning } from './mail-connection';
import type { DiscoveryOptions, MailDiscovery } from './mail-discovery';
import type { AddedMailAccount } from './mail-application';
import { createSrvResolver } from './srv-resolver';
import { type ApiGroup, type DeviceCore, orNull } from '../session/api-group';

type Group = ApiGroup<'mail'>;
type AccountView = Awaited<ReturnType<Group['get']>>;
type DiscoveryView = Awaited<ReturnType<Group['discover']>>;

function accountView(entry: MailAccountEntry): AccountView {
  return {
    id: entry.Identifier,
    address: entry.EmailAddress,
    displayName: orNull(entry.DisplayName),
    accountName: orNull(entry.AccountName),
    replyTo: orNull(entry.ReplyToAddress),
    inbound: entry.Inbound.map(connectionView),
    outbound: entry.Outbound.map(connectionView),
    updated: entry.Updated,
  };
}

function warningView(warning: MailWarning) {
  return { code: warning.code, message: warning.message, server: orNull(warning.server) };
}

function discoveryView(discovery: MailDiscovery): DiscoveryView {
  const attempts = discovery.attempts.map((attempt) => ({
    method: attempt.method,
    target: attempt.target,
    outcome: attempt.outcome,
    detail: orNull(attempt.detail),
  }));
  if (!discovery.found) {
    return {
      found: false,
      method: null,
      source: null,
      providerName: null,
      inbound: [],
      outbound: [],
      warnings: [],
      attempts,
    };
  }
  return {
    found: true,
    method: discovery.method,
    source: discovery.source,
    providerName: orNull(discovery.providerName),
    inbound: discovery.Inbound.map(connectionView),
    outbound: discovery.Outbound.map(connectionView),
    warnings: discovery.warnings.map(warningView),
    attempts,
  };
}

function addedView(added: AddedMailAccount) {
  return {
    account: accountView(added.entry),
    warnings: added.warnings.map(warningView),
    discovery: added.discovery === undefined ? null : discoveryView(added.discovery),
  };
}

type ConnectionInput = Parameters<Group['add']>[0]['inbound'];

function inputOf(request: {
  displayName?: string | undefined;
  accountName?: string | undefined;
  replyTo?: string | undefined;
  inbound?: ConnectionInput;
  outbound?: ConnectionInput;
}): Omit<MailAccountInput, 'EmailAddress'> {
  const connections = (list: NonNullable<ConnectionInput>): Connection[] =>
    list.map((connection) => connectionSchema.parse(connection));
  return {
    ...(request.displayName !== undefined && { DisplayName: request.displayName }),
    ...(request.accountName !== undefined && { AccountName: request.accountName }),
    ...(request.replyTo !== undefined && { ReplyToAddress: request.replyTo }),
    ...(request.inbound !== undefined && { Inbound: connections(request.inbound) }),
    ...(request.outbound !== undefined && { Outbound: connections(request.outbound) }),
  };
}

/**
 * `discovery` is how discovery reaches the provider (default: HTTPS and the system's DNS; tests
 * answer from loopback servers, test/core/mail/loopback-mail-servers.ts).
 */
export function mailApi(core: DeviceCore, discovery: DiscoveryOptions = {}): Group {
  const open = () => core.applications.mail();
  const require = async (address: string): Promise<MailAccountEntry> => {
    const entry = (await open()).get(address);
    if (entry === undefined) {
      throw new MeshError('NOT_FOUND', 'there is no mail account for this address', {
        field: 'address',
      });
    }
    return entry;
  };
  return {
    async list() {
      return (await open()).list().map(accountView);
    },

    async pending() {
      return { pending: (await open()).pending };
    },

    async get(request) {
      return accountView(await require(request.address));
    },

    async revealPasswords(request) {
      const entry = await require(request.address);
      const password = (connection: Connection) => orNull(connection.Password);
      return { inbound: entry.Inbound.map(password), outbound: entry.Outbound.map(password) };
    },

    async discover(request) {
      return discoveryView(await (await open()).discover(request.address, discovery));
    },

    async add(request, options = {}) {
      const added = await (
        await open()
      ).add(
        {
          EmailAddress: request.address,
          ...inputOf(request),
        },
        {
          signal: options.signal,
          discover: request.discover ?? false,
          discovery:
            request.dnsServers === undefined
              ? discovery
              : { ...discovery, resolveSrv: createSrvResolver({ servers: request.dnsServers }) },
          credentials: { username: request.username, password: request.password },
        },
      );
      return addedView(added);
    },

    async update(request, options = {}) {
      const { address, ...rest } = request.changes;
      const changes: Partial<MailAccountInput> = {
        ...inputOf(rest),
        ...(address !== undefined && { EmailAddress: address }),
      };
      return accountView(await (await open()).update(request.address, changes, options));
    },

    async delete(request, options = {}) {
      const deleted = await (await open()).delete(request.address, options);
      return { address: deleted.EmailAddress };
    },

    async exportAutoconfig(request) {
      const xml = (await open()).exportAutoconfig(request.address, {
        includePasswords: request.includePasswords ?? false,
      });
      return { xml };
    },

    async importAutoconfig(request, options = {}) {
      const added = await (
        await open()
      ).importAutoconfig(request.xml, {
        signal: options.signal,
        ...(request.address !== undefined && { emailAddress: request.address }),
        ...(request.accountName !== undefined && { accountName: request.accountName }),
      });
      return addedView(added);
    },
  };
}
