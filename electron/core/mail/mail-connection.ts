import type { Connection, ConnectionSecurity } from '../../../shared/apps/connection';
import { MeshError } from '../../../shared/errors';
import { parseSite } from '../catalog/site-match';

/**
 * Mail connections (draft-hallambaker-mesh-reference-03 section 5.6.1 Connection, as used by
 * MailProfilePrivate 5.8.2): how the user's words (IMAP, STARTTLS, port 993) map to the seed's
 * fields. The protocol lives in Prefix, the RFC 6335 service label that RFC 6186 SRV records use
 * (`_imaps._tcp`); the security mode in Security (Direct = implicit TLS, Upgrade = STARTTLS, None =
 * plain).
 */

export type MailProtocol = 'imap' | 'pop3' | 'smtp';
export type MailSecurity = 'ssl' | 'starttls' | 'plain';

/** A warning about a mail setting, to show the user; never holds a password. */
export type MailWarning = {
  code:
    | 'PLAIN_SOCKET'
    | 'CLEARTEXT_PASSWORD'
    | 'UNSUPPORTED_SERVER'
    | 'INCOMPLETE_SERVER'
    | 'NO_INCOMING_SERVER'
    | 'NO_OUTGOING_SERVER';
  message: string;
  /** `host:port` of the server concerned, when there is one. */
  server?: string;
};

const seedSecurity: Record<MailSecurity, ConnectionSecurity> = {
  ssl: 'Direct',
  starttls: 'Upgrade',
  plain: 'None',
};
const userSecurity: Record<ConnectionSecurity, MailSecurity> = {
  Direct: 'ssl',
  Upgrade: 'starttls',
  None: 'plain',
};

/** RFC 6186 / RFC 8314 service labels by protocol and whether TLS is implicit. */
const prefixes: Record<MailProtocol, { implicit: string; other: string }> = {
  imap: { implicit: '_imaps._tcp', other: '_imap._tcp' },
  pop3: { implicit: '_pop3s._tcp', other: '_pop3._tcp' },
  smtp: { implicit: '_submissions._tcp', other: '_submission._tcp' },
};

const protocolOfPrefix = new Map<string, MailProtocol>([
  ['_imaps._tcp', 'imap'],
  ['_imap._tcp', 'imap'],
  ['_pop3s._tcp', 'pop3'],
  ['_pop3._tcp', 'pop3'],
  ['_submissions._tcp', 'smtp'],
  ['_submission._tcp', 'smtp'],
  ['_smtp._tcp', 'smtp'],
]);

/** Default ports (IANA): 993/143 IMAP, 995/110 POP3, 465/587 submission (RFC 8314, 6409). */
export function defaultMailPort(protocol: MailProtocol, security: MailSecurity): number {
  const ssl = security === 'ssl';
  switch (protocol) {
    case 'imap':
      return ssl ? 993 : 143;
    case 'pop3':
      return ssl ? 995 : 110;
    case 'smtp':
      return ssl ? 465 : 587;
  }
}

/** The seed's security mode for the user's word. */
export function toConnectionSecurity(security: MailSecurity): ConnectionSecurity {
  return seedSecurity[security];
}

function invalid(field: string, message: string): MeshError {
  return new MeshError('INVALID_ARGUMENT', message, { field });
}

/** A host name or IP literal for a server, checked and normalised (no port, no wildcard). */
export function normaliseServerHost(host: string): string {
  const site = parseSite(host);
  if (site.wildcard || site.port !== undefined || /[/:@]/.test(host.replace(/^\[.*\]$/, ''))) {
    throw invalid('host', 'A server is named by its host name alone.');
  }
  return site.host;
}

/** Splits `host[:port]` as the CLI takes it (`--imap imap.example.com:993`). */
export function parseHostPort(text: string): { host: string; port?: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match?.[1]) throw invalid('host', 'Give the server as HOST or HOST:PORT.');
  const host = normaliseServerHost(match[1]);
  if (match[2] === undefined) return { host };
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) throw invalid('port', 'The port must be 1 to 65535.');
  return { host, port };
}

export type MailConnectionInput = {
  protocol: MailProtocol;
  host: string;
  /** Default: the protocol's port for the security mode. */
  port?: number;
  /** Default: ssl (implicit TLS, RFC 8314). */
  security?: MailSecurity;
  username?: string;
  password?: string;
  /** Mechanisms, preferred first, in autoconfig's words (default ["password-cleartext"]). */
  authentication?: readonly string[];
  timeoutSeconds?: number;
  polling?: boolean;
};

/** A draft-hallambaker-mesh-reference-03 section 5.6.1 Connection from the user's terms. */
export function buildMailConnection(input: MailConnectionInput): Connection {
  const security = input.security ?? 'ssl';
  const port = input.port ?? defaultMailPort(input.protocol, security);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw invalid('port', 'The port must be 1 to 65535.');
  }
  const host = normaliseServerHost(input.host);
  const prefix = prefixes[input.protocol][security === 'ssl' ? 'implicit' : 'other'];
  const scheme = `${input.protocol}${security === 'ssl' ? 's' : ''}`;
  const connection: Connection = {
    ServiceName: host,
    Port: port,
    Prefix: prefix,
    Security: [seedSecurity[security]],
    URI: `${scheme}://${host}:${port}`,
  };
  if (input.username !== undefined && input.username !== '') connection.UserName = input.username;
  if (input.password !== undefined && input.password !== '') connection.Password = input.password;
  // Autoconfig's default, a normal password (sent inside TLS unless the socket is plain).
  connection.Authentication =
    input.authentication && input.authentication.length > 0
      ? input.authentication.join(' ')
      : 'password-cleartext';
  if (input.timeoutSeconds !== undefined) connection.TimeOut = input.timeoutSeconds;
  if (input.polling !== undefined) connection.Polling = input.polling;
  return connection;
}

/** A connection in the user's terms; MeshError when it does not say enough to connect. */
export function describeMailConnection(connection: Connection): {
  protocol: MailProtocol;
  host: string;
  port: number;
  security: MailSecurity;
  username?: string;
  authentication: string[];
} {
  const protocol =
    connection.Prefix === undefined ? undefined : protocolOfPrefix.get(connection.Prefix);
  if (!protocol) throw invalid('Prefix', 'The connection does not say which mail protocol it is.');
  if (!connection.ServiceName) throw invalid('ServiceName', 'The connection has no server.');
  const security =
    connection.Security[0] === undefined ? 'ssl' : userSecurity[connection.Security[0]];
  const description = {
    protocol,
    host: connection.ServiceName,
    port: connection.Port ?? defaultMailPort(protocol, security),
    security,
    authentication: (connection.Authentication ?? '').split(/\s+/).filter(Boolean),
  };
  return connection.UserName === undefined
    ? description
    : { ...description, username: connection.UserName };
}

/** Mechanisms that put the password itself on the wire (autoconfig's and SASL's names). */
const cleartextMechanisms = new Set(['password-cleartext', 'plain', 'login']);

/**
 * Warnings for one connection (docs/architecture.md section 13: warn about plain sockets and
 * cleartext passwords over them): a plain socket exposes mail; a cleartext password over one
 * exposes the password too. Absent authentication counts as a cleartext password, the common
 * default.
 */
export function connectionWarnings(connection: Connection): MailWarning[] {
  if (connection.Security[0] !== 'None') return [];
  const server = `${connection.ServiceName ?? '?'}:${connection.Port ?? '?'}`;
  const warnings: MailWarning[] = [
    {
      code: 'PLAIN_SOCKET',
      server,
      message: `${server} is reached over a plain socket: anyone on the network can read the mail.`,
    },
  ];
  const preferred = (connection.Authentication ?? 'password-cleartext').split(/\s+/)[0] ?? '';
  if (cleartextMechanisms.has(preferred.toLowerCase())) {
    warnings.push({
      code: 'CLEARTEXT_PASSWORD',
      server,
      message: `${server} would receive the password in cleartext over a plain socket.`,
    });
  }
  return warnings;
}
