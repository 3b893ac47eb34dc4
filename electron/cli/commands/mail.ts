/**
 * `mesh mail ...` (docs/architecture.md section 7, "The CLI"; draft-hallambaker-mesh-reference-03
 * section 5.8): the account's mail settings on this device
 * - add one (typed, or discovered from the provider's autoconfig document or RFC 6186 SRV
 * records), list, show, delete, export as Thunderbird autoconfig XML, import from such a
 * document. Server passwords are shown only when asked for (--show-passwords,
 * --include-passwords), never in a listing or an error; warnings about plain sockets and
 * cleartext passwords go to standard error.
 */
import type { Connection } from '../../../shared/apps/connection';
import type { MailAccountEntry } from '../../../shared/apps/mail-profile';
import { MeshError } from '../../../shared/errors';
import type { MailAccountInput } from '../../core/mail/mail-catalog';
import {
  buildMailConnection,
  describeMailConnection,
  parseHostPort,
  type MailProtocol,
  type MailSecurity,
  type MailWarning,
} from '../../core/mail/mail-connection';
import { createSrvResolver } from '../../core/mail/srv-resolver';
import type { AddedMailAccount } from '../../core/mail/mail-application';
import {
  asUsageError,
  defineCommand,
  defineGroup,
  usageError,
  type CommandContext,
} from '../command';
import {
  offlineOption,
  readInput,
  secretArgument,
  syncAround,
  withApplications,
} from './open-applications';

const SECURITY: readonly MailSecurity[] = ['ssl', 'starttls', 'plain'];

/** A connection as shown: protocol, host:port, security, user; the password only when asked. */
function connectionView(connection: Connection, showPassword: boolean) {
  let described: ReturnType<typeof describeMailConnection> | undefined;
  try {
    described = describeMailConnection(connection);
  } catch {
    described = undefined;
  }
  return {
    ...(described === undefined
      ? {}
      : { protocol: described.protocol, security: described.security }),
    host: connection.ServiceName ?? null,
    port: connection.Port ?? described?.port ?? null,
    ...(connection.UserName === undefined ? {} : { username: connection.UserName }),
    hasPassword: connection.Password !== undefined,
    ...(showPassword && connection.Password !== undefined ? { password: connection.Password } : {}),
    ...(connection.Authentication === undefined
      ? {}
      : { authentication: connection.Authentication }),
  };
}

function accountView(entry: MailAccountEntry, showPasswords = false) {
  return {
    identifier: entry.Identifier,
    emailAddress: entry.EmailAddress,
    ...(entry.AccountName === undefined ? {} : { accountName: entry.AccountName }),
    ...(entry.DisplayName === undefined ? {} : { displayName: entry.DisplayName }),
    ...(entry.ReplyToAddress === undefined ? {} : { replyTo: entry.ReplyToAddress }),
    inbound: entry.Inbound.map((connection) => connectionView(connection, showPasswords)),
    outbound: entry.Outbound.map((connection) => connectionView(connection, showPasswords)),
    updated: entry.Updated,
  };
}

function connectionLine(connection: Connection, showPassword: boolean): string {
  const view = connectionView(connection, showPassword);
  const what = view.protocol?.toUpperCase() ?? 'server';
  return `${what} ${view.host ?? '?'}:${view.port ?? '?'} (${view.security ?? '?'})${view.username === undefined ? '' : ` as ${view.username}`}${'password' in view ? `, password ${view.password}` : ''}`;
}

function accountLines(entry: MailAccountEntry, showPasswords: boolean): string[] {
  return [
    `Address:  ${entry.EmailAddress}`,
    ...(entry.AccountName === undefined ? [] : [`Account:  ${entry.AccountName}`]),
    ...(entry.DisplayName === undefined ? [] : [`Name:     ${entry.DisplayName}`]),
    ...(entry.ReplyToAddress === undefined ? [] : [`Reply-To: ${entry.ReplyToAddress}`]),
    ...entry.Inbound.map((c) => `Inbound:  ${connectionLine(c, showPasswords)}`),
    ...entry.Outbound.map((c) => `Outbound: ${connectionLine(c, showPasswords)}`),
  ];
}

function printWarnings(context: CommandContext, warnings: readonly MailWarning[]): void {
  for (const warning of warnings) context.io.stderr(`mesh: warning: ${warning.message}\n`);
}

function addedOutput(added: AddedMailAccount, sync: unknown) {
  return {
    text: [`Added ${added.entry.EmailAddress}`, ...accountLines(added.entry, false).slice(1)],
    json: {
      ...accountView(added.entry),
      warnings: added.warnings.map((warning) => warning.message),
      ...(added.discovery === undefined
        ? {}
        : {
            discovery: added.discovery.found
              ? { found: true, method: added.discovery.method, source: added.discovery.source }
              : { found: false, attempts: added.discovery.attempts },
          }),
      sync,
    },
  };
}

const add = defineCommand({
  name: 'add',
  summary: 'add the mail account EMAIL: servers given, or discovered with --discover',
  description:
    "Servers as HOST or HOST:PORT (the port defaults from the protocol and --security). With\n--discover, servers not given are looked up: the provider's autoconfig document, then SRV\nrecords. --password - reads the server password from standard input.",
  positionals: [{ name: 'EMAIL', description: 'the address, e.g. alice@example.com' }],
  options: {
    discover: {
      type: 'boolean',
      description: 'look the servers up (autoconfig, then SRV records)',
    },
    imap: { type: 'string', value: 'HOST:PORT', description: 'the IMAP server' },
    pop3: { type: 'string', value: 'HOST:PORT', description: 'the POP3 server' },
    smtp: { type: 'string', value: 'HOST:PORT', description: 'the SMTP (submission) server' },
    security: {
      type: 'string',
      value: 'MODE',
      description: 'ssl (default), starttls or plain, for the servers given',
    },
    username: { type: 'string', value: 'U', description: 'the server user name (default EMAIL)' },
    password: {
      type: 'string',
      value: 'P',
      description: 'the server password, or - for standard input',
    },
    'display-name': { type: 'string', value: 'NAME', description: 'the name recipients see' },
    'account-name': { type: 'string', value: 'NAME', description: 'what to call the account' },
    'reply-to': { type: 'string', value: 'EMAIL', description: 'the Reply-To address' },
    'dns-server': {
      type: 'string',
      multiple: true,
      value: 'HOST:PORT',
      description: "DNS server for --discover SRV look-ups (default: the system's)",
    },
    offline: offlineOption,
  },
  async run(context) {
    const { options } = context;
    const email = context.args[0]!;
    const security = options.security ?? 'ssl';
    if (!(SECURITY as readonly string[]).includes(security)) {
      throw usageError(`--security takes ${SECURITY.join(', ')}, not ${JSON.stringify(security)}`);
    }
    if (options.imap !== undefined && options.pop3 !== undefined) {
      throw usageError('give --imap or --pop3, not both');
    }
    const given = options.imap ?? options.pop3;
    if (!options.discover && (given === undefined || options.smtp === undefined)) {
      throw usageError('give the servers (--imap or --pop3, and --smtp) or --discover');
    }
    const password =
      options.password === undefined ? undefined : await secretArgument(context, options.password);
    const username = options.username ?? email;
    const connection = (protocol: MailProtocol, server: string): Connection => {
      try {
        const { host, port } = parseHostPort(server);
        return buildMailConnection({
          protocol,
          host,
          ...(port === undefined ? {} : { port }),
          security: security as MailSecurity,
          username,
          ...(password === undefined ? {} : { password }),
        });
      } catch (error) {
        throw asUsageError(error);
      }
    };
    const input: MailAccountInput = {
      EmailAddress: email,
      DisplayName: options['display-name'],
      AccountName: options['account-name'],
      ReplyToAddress: options['reply-to'],
      Inbound: given === undefined ? [] : [connection(options.imap ? 'imap' : 'pop3', given)],
      Outbound: options.smtp === undefined ? [] : [connection('smtp', options.smtp)],
    };
    const dnsServers = options['dns-server'];
    return withApplications(context, async (applications, device) => {
      const mail = await applications.mail();
      let added: AddedMailAccount;
      try {
        added = await mail.add(input, {
          discover: options.discover === true,
          ...(dnsServers === undefined
            ? {}
            : { discovery: { resolveSrv: createSrvResolver({ servers: dnsServers }) } }),
          credentials: { username, password },
        });
      } catch (error) {
        throw error instanceof MeshError && error.code === 'INVALID_ARGUMENT'
          ? asUsageError(error)
          : error;
      }
      printWarnings(context, added.warnings);
      const sync = await syncAround(context, device, 'after');
      return addedOutput(added, sync);
    });
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'list the mail accounts (without passwords)',
  options: { offline: offlineOption },
  async run(context) {
    return withApplications(context, async (applications, device) => {
      const sync = await syncAround(context, device, 'before');
      const accounts = (await applications.mail()).list();
      return {
        text:
          accounts.length === 0
            ? ['No mail accounts.']
            : accounts.map((entry) => {
                const inbound = entry.Inbound[0];
                const outbound = entry.Outbound[0];
                return [
                  entry.EmailAddress,
                  entry.AccountName ?? '',
                  inbound === undefined ? '' : `${inbound.ServiceName ?? ''}:${inbound.Port ?? ''}`,
                  outbound === undefined
                    ? ''
                    : `${outbound.ServiceName ?? ''}:${outbound.Port ?? ''}`,
                ].join('\t');
              }),
        json: { accounts: accounts.map((entry) => accountView(entry)), sync },
      };
    });
  },
});

const show = defineCommand({
  name: 'get',
  summary: 'show the settings of the mail account EMAIL',
  positionals: [{ name: 'EMAIL', description: 'the address' }],
  options: {
    'show-passwords': { type: 'boolean', description: 'include the server passwords' },
    offline: offlineOption,
  },
  async run(context) {
    const show = context.options['show-passwords'] === true;
    return withApplications(context, async (applications, device) => {
      const sync = await syncAround(context, device, 'before');
      const entry = lookUp(await applications.mail(), context.args[0]!);
      return { text: accountLines(entry, show), json: { ...accountView(entry, show), sync } };
    });
  },
});

const remove = defineCommand({
  name: 'delete',
  summary: 'delete the mail account EMAIL',
  positionals: [{ name: 'EMAIL', description: 'the address' }],
  options: { offline: offlineOption },
  async run(context) {
    return withApplications(context, async (applications, device) => {
      const mail = await applications.mail();
      const entry = lookUp(mail, context.args[0]!);
      await mail.delete(entry.EmailAddress);
      const sync = await syncAround(context, device, 'after');
      return {
        text: `Deleted ${entry.EmailAddress}`,
        json: { deleted: accountView(entry), sync },
      };
    });
  },
});

const exportCommand = defineCommand({
  name: 'export',
  summary: 'print the mail account EMAIL as a Thunderbird autoconfig document (XML)',
  positionals: [{ name: 'EMAIL', description: 'the address' }],
  options: {
    'include-passwords': { type: 'boolean', description: 'write the server passwords too' },
    offline: offlineOption,
  },
  async run(context) {
    return withApplications(context, async (applications, device) => {
      await syncAround(context, device, 'before');
      const mail = await applications.mail();
      const entry = lookUp(mail, context.args[0]!);
      const xml = mail.exportAutoconfig(entry.EmailAddress, {
        includePasswords: context.options['include-passwords'] === true,
      });
      return { text: xml.trimEnd(), json: { emailAddress: entry.EmailAddress, xml } };
    });
  },
});

const importCommand = defineCommand({
  name: 'import',
  summary: 'add a mail account from a Thunderbird autoconfig document (XML)',
  positionals: [{ name: 'FILE', description: 'the document, or - for standard input' }],
  options: {
    email: {
      type: 'string',
      value: 'EMAIL',
      description: 'the address (default: from the document)',
    },
    'account-name': { type: 'string', value: 'NAME', description: 'what to call the account' },
    offline: offlineOption,
  },
  async run(context) {
    const xml = new TextDecoder().decode(await readInput(context, context.args[0]!));
    return withApplications(context, async (applications, device) => {
      const mail = await applications.mail();
      let added: AddedMailAccount;
      try {
        added = await mail.importAutoconfig(xml, {
          ...(context.options.email === undefined ? {} : { emailAddress: context.options.email }),
          ...(context.options['account-name'] === undefined
            ? {}
            : { accountName: context.options['account-name'] }),
        });
      } catch (error) {
        throw error instanceof MeshError &&
          (error.code === 'INVALID_ARGUMENT' || error.code === 'TOO_LARGE')
          ? asUsageError(error)
          : error;
      }
      printWarnings(context, added.warnings);
      const sync = await syncAround(context, device, 'after');
      return addedOutput(added, sync);
    });
  },
});

function lookUp(
  mail: { get(address: string): MailAccountEntry | undefined },
  address: string,
): MailAccountEntry {
  let entry: MailAccountEntry | undefined;
  try {
    entry = mail.get(address);
  } catch (error) {
    throw asUsageError(error);
  }
  if (entry === undefined) {
    throw new MeshError('NOT_FOUND', `there is no mail account for ${address}`, {
      field: 'EMAIL',
    });
  }
  return entry;
}

export const mailCommands = defineGroup({
  name: 'mail',
  summary: 'mail settings on every device: add (with discovery), list, get, delete, export, import',
  commands: [add, list, show, remove, exportCommand, importCommand],
});
