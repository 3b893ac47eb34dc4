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
import { isMeshError, MeshError } from '../../../shared/errors';
import type { MeshDevice } from '../../core/mesh-device';
import {
  buildMailConnection,
  describeMailConnection,
  parseHostPort,
  type MailProtocol,
  type MailSecurity,
} from '../../core/mail/mail-connection';
import {
  asUsageError,
  defineCommand,
  defineGroup,
  usageError,
  type CommandContext,
} from '../command';
import { offlineOption, readInput, secretArgument, syncAround } from './open-applications';
import { withDevice } from './open-device';

type MailAccount = Awaited<ReturnType<MeshDevice['mail']['get']>>;
type AddedMailAccount = Awaited<ReturnType<MeshDevice['mail']['add']>>;
type ShownConnection = MailAccount['inbound'][number];
/** The server passwords of an account, when asked for (`mail.revealPasswords`). */
type Passwords = Awaited<ReturnType<MeshDevice['mail']['revealPasswords']>>;

const SECURITY: readonly MailSecurity[] = ['ssl', 'starttls', 'plain'];

/** A connection as shown: protocol, host:port, security, user; the password when given. */
function connectionView(connection: ShownConnection, password?: string | null) {
  let described: ReturnType<typeof describeMailConnection> | undefined;
  try {
    const { hasPassword: _hasPassword, ...fields } = connection;
    described = describeMailConnection(fields as Connection);
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
    hasPassword: connection.hasPassword,
    ...(typeof password === 'string' ? { password } : {}),
    ...(connection.Authentication === undefined
      ? {}
      : { authentication: connection.Authentication }),
  };
}

function accountView(entry: MailAccount, passwords?: Passwords) {
  return {
    identifier: entry.id,
    emailAddress: entry.address,
    ...(entry.accountName === null ? {} : { accountName: entry.accountName }),
    ...(entry.displayName === null ? {} : { displayName: entry.displayName }),
    ...(entry.replyTo === null ? {} : { replyTo: entry.replyTo }),
    inbound: entry.inbound.map((c, i) => connectionView(c, passwords?.inbound[i])),
    outbound: entry.outbound.map((c, i) => connectionView(c, passwords?.outbound[i])),
    updated: entry.updated,
  };
}

function connectionLine(connection: ShownConnection, password?: string | null): string {
  const view = connectionView(connection, password);
  const what = view.protocol?.toUpperCase() ?? 'server';
  return `${what} ${view.host ?? '?'}:${view.port ?? '?'} (${view.security ?? '?'})${view.username === undefined ? '' : ` as ${view.username}`}${'password' in view ? `, password ${view.password}` : ''}`;
}

function accountLines(entry: MailAccount, passwords?: Passwords): string[] {
  return [
    `Address:  ${entry.address}`,
    ...(entry.accountName === null ? [] : [`Account:  ${entry.accountName}`]),
    ...(entry.displayName === null ? [] : [`Name:     ${entry.displayName}`]),
    ...(entry.replyTo === null ? [] : [`Reply-To: ${entry.replyTo}`]),
    ...entry.inbound.map((c, i) => `Inbound:  ${connectionLine(c, passwords?.inbound[i])}`),
    ...entry.outbound.map((c, i) => `Outbound: ${connectionLine(c, passwords?.outbound[i])}`),
  ];
}

function printWarnings(
  context: CommandContext,
  warnings: readonly { readonly message: string }[],
): void {
  for (const warning of warnings) context.io.stderr(`mesh: warning: ${warning.message}\n`);
}

function addedOutput(added: AddedMailAccount, sync: unknown) {
  return {
    text: [`Added ${added.account.address}`, ...accountLines(added.account).slice(1)],
    json: {
      ...accountView(added.account),
      warnings: added.warnings.map((warning) => warning.message),
      ...(added.discovery === null
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
    const inbound = given === undefined ? [] : [connection(options.imap ? 'imap' : 'pop3', given)];
    const outbound = options.smtp === undefined ? [] : [connection('smtp', options.smtp)];
    const dnsServers = options['dns-server'];
    return withDevice(context, async (device) => {
      let added: AddedMailAccount;
      try {
        added = await device.mail.add({
          address: email,
          ...(options['display-name'] !== undefined && { displayName: options['display-name'] }),
          ...(options['account-name'] !== undefined && { accountName: options['account-name'] }),
          ...(options['reply-to'] !== undefined && { replyTo: options['reply-to'] }),
          inbound,
          outbound,
          discover: options.discover === true,
          ...(dnsServers !== undefined && { dnsServers }),
          username,
          ...(password !== undefined && { password }),
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
    return withDevice(context, async (device) => {
      const sync = await syncAround(context, device, 'before');
      const accounts = await device.mail.list();
      return {
        text:
          accounts.length === 0
            ? ['No mail accounts.']
            : accounts.map((entry) => {
                const inbound = entry.inbound[0];
                const outbound = entry.outbound[0];
                return [
                  entry.address,
                  entry.accountName ?? '',
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
    return withDevice(context, async (device) => {
      const sync = await syncAround(context, device, 'before');
      const entry = await lookUp(device, context.args[0]!);
      const passwords = show
        ? await device.mail.revealPasswords({ address: entry.address })
        : undefined;
      return {
        text: accountLines(entry, passwords),
        json: { ...accountView(entry, passwords), sync },
      };
    });
  },
});

const remove = defineCommand({
  name: 'delete',
  summary: 'delete the mail account EMAIL',
  positionals: [{ name: 'EMAIL', description: 'the address' }],
  options: { offline: offlineOption },
  async run(context) {
    return withDevice(context, async (device) => {
      const entry = await lookUp(device, context.args[0]!);
      await device.mail.delete({ address: entry.address });
      const sync = await syncAround(context, device, 'after');
      return {
        text: `Deleted ${entry.address}`,
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
    return withDevice(context, async (device) => {
      await syncAround(context, device, 'before');
      const entry = await lookUp(device, context.args[0]!);
      const { xml } = await device.mail.exportAutoconfig({
        address: entry.address,
        includePasswords: context.options['include-passwords'] === true,
      });
      return { text: xml.trimEnd(), json: { emailAddress: entry.address, xml } };
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
    return withDevice(context, async (device) => {
      let added: AddedMailAccount;
      try {
        added = await device.mail.importAutoconfig({
          xml,
          ...(context.options.email === undefined ? {} : { address: context.options.email }),
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

async function lookUp(device: MeshDevice, address: string): Promise<MailAccount> {
  try {
    return await device.mail.get({ address });
  } catch (error) {
    if (isMeshError(error) && error.code === 'NOT_FOUND') {
      throw new MeshError('NOT_FOUND', `there is no mail account for ${address}`, {
        field: 'EMAIL',
      });
    }
    throw isMeshError(error) && error.code === 'INVALID_ARGUMENT' ? asUsageError(error) : error;
  }
}

export const mailCommands = defineGroup({
  name: 'mail',
  summary: 'mail settings on every device: add (with discovery), list, get, delete, export, import',
  commands: [add, list, show, remove, exportCommand, importCommand],
});
