import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Connection } from '../../../shared/apps/connection';
import type { MailProfilePrivate } from '../../../shared/apps/mail-profile';
import { MeshError } from '../../../shared/errors';
import { parseEmailAddress } from './mail-catalog';
import type { EmailAddress } from './mail-catalog';
import { buildMailConnection, connectionWarnings } from './mail-connection';
import type { MailProtocol, MailSecurity, MailWarning } from './mail-connection';

/**
 * Reading Thunderbird autoconfig documents (config-v1.1.xml; docs/architecture.md section 13 "Mail
 * autoconfiguration") into draft-hallambaker-mesh-reference-03 section 5.6.1 Connections. The
 * documents come from the network, so the reader is defensive: a size limit, no DOCTYPE (so no
 * entity expansion at all), well-formedness checked before parsing, and every server checked before
 * it is used.
 */

export const AUTOCONFIG_MAX_BYTES = 256 * 1024;

/** What a document says, with placeholders filled in for one address. */
export type AutoconfigDocument = {
  providerId?: string;
  domains: string[];
  displayName?: string;
  displayShortName?: string;
  /** Incoming servers (IMAP, POP3) in the document's order of preference. */
  Inbound: Connection[];
  /** Outgoing servers (SMTP) in order of preference. */
  Outbound: Connection[];
  warnings: MailWarning[];
};

function invalid(reason: string, message: string, line?: number): MeshError {
  const details: Record<string, string | number> = { reason };
  if (line !== undefined) details.line = line;
  return new MeshError('INVALID_ARGUMENT', message, details);
}

const arrayPaths = new Set([
  'clientConfig.emailProvider',
  'clientConfig.emailProvider.domain',
  'clientConfig.emailProvider.incomingServer',
  'clientConfig.emailProvider.outgoingServer',
  'clientConfig.emailProvider.incomingServer.authentication',
  'clientConfig.emailProvider.outgoingServer.authentication',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Entities stay as written and are decoded below, predefined ones only.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, jpath) => arrayPaths.has(String(jpath)),
});

/** Decodes XML's five predefined entities and character references, nothing else. */
function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (match, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x')
        ? parseInt(lower.slice(2), 16)
        : parseInt(lower.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? match;
  });
}

type XmlNode = Record<string, unknown>;

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of a child element: a string, or an element with attributes and text. */
function textOf(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return decodeXmlText(first).trim();
  if (isNode(first) && typeof first['#text'] === 'string')
    return decodeXmlText(first['#text']).trim();
  return undefined;
}

function textsOf(node: XmlNode, name: string): string[] {
  const value = node[name];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items
    .map((item) =>
      typeof item === 'string'
        ? item
        : isNode(item) && typeof item['#text'] === 'string'
          ? item['#text']
          : '',
    )
    .map((item) => decodeXmlText(item).trim())
    .filter((item) => item !== '');
}

const placeholderPattern = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g;
const hasPlaceholder = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/;

function substitute(text: string, email: EmailAddress | undefined): string {
  if (!hasPlaceholder.test(text)) return text;
  if (!email) {
    throw invalid(
      'placeholder',
      'The document uses %EMAIL…% placeholders: give the email address.',
    );
  }
  return text.replace(placeholderPattern, (_match, name: string) =>
    name === 'EMAILADDRESS'
      ? email.address
      : name === 'EMAILLOCALPART'
        ? email.localPart
        : email.domain,
  );
}

const socketTypes: Record<string, MailSecurity> = {
  ssl: 'ssl',
  starttls: 'starttls',
  plain: 'plain',
};

function readServer(
  node: unknown,
  allowed: readonly MailProtocol[],
  email: EmailAddress | undefined,
  warnings: MailWarning[],
): Connection | undefined {
  if (!isNode(node)) return undefined;
  const type = String(node['@_type'] ?? '').toLowerCase();
  const protocol = allowed.find((candidate) => candidate === type);
  if (!protocol) {
    warnings.push({
      code: 'UNSUPPORTED_SERVER',
      message: `A server of type "${type || '?'}" is not supported and was left out.`,
    });
    return undefined;
  }
  const host = substitute(textOf(node, 'hostname') ?? '', email);
  const portText = textOf(node, 'port') ?? '';
  const security = socketTypes[(textOf(node, 'socketType') ?? '').toLowerCase()];
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  const server = `${host || '?'}:${portText || '?'}`;
  if (host === '' || !security || !(port >= 1 && port <= 65_535)) {
    warnings.push({
      code: 'INCOMPLETE_SERVER',
      server,
      message: `The ${protocol.toUpperCase()} server ${server} lacks a host, port or socket type and was left out.`,
    });
    return undefined;
  }
  const username = textOf(node, 'username');
  const password = textOf(node, 'password');
  try {
    return buildMailConnection({
      protocol,
      host,
      port,
      security,
      ...(username ? { username: substitute(username, email) } : {}),
      ...(password ? { password } : {}),
      authentication: textsOf(node, 'authentication'),
    });
  } catch {
    warnings.push({
      code: 'INCOMPLETE_SERVER',
      server,
      message: `The ${protocol.toUpperCase()} server ${server} has an invalid host name and was left out.`,
    });
    return undefined;
  }
}

/**
 * Parses a Thunderbird autoconfig document (config-v1.1.xml) for `emailAddress`, filling in
 * %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN%. Warns about plain sockets and
 * cleartext passwords over them. MeshError INVALID_ARGUMENT (details.reason: doctype, xml,
 * structure, placeholder) or TOO_LARGE for a document it will not read.
 */
export function parseAutoconfig(
  xml: string,
  emailAddress?: string,
  options: { maxBytes?: number } = {},
): AutoconfigDocument {
  const maxBytes = options.maxBytes ?? AUTOCONFIG_MAX_BYTES;
  if (xml.length > maxBytes) {
    throw new MeshError('TOO_LARGE', 'The autoconfig document is too large.', { limit: maxBytes });
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw invalid('doctype', 'The autoconfig document has a DOCTYPE, which is not accepted.');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw invalid(
      'xml',
      `The autoconfig document is not well-formed XML (line ${valid.err.line}).`,
      valid.err.line,
    );
  }
  const root: unknown = parser.parse(xml);
  const config = isNode(root) ? root.clientConfig : undefined;
  const providers = isNode(config) ? config.emailProvider : undefined;
  const provider = Array.isArray(providers) ? providers[0] : undefined;
  if (!isNode(provider)) {
    throw invalid('structure', 'The document is not a clientConfig with an emailProvider.');
  }
  const email = emailAddress === undefined ? undefined : parseEmailAddress(emailAddress);
  const warnings: MailWarning[] = [];
  const Inbound = (Array.isArray(provider.incomingServer) ? provider.incomingServer : [])
    .map((node) => readServer(node, ['imap', 'pop3'], email, warnings))
    .filter((c): c is Connection => c !== undefined);
  const Outbound = (Array.isArray(provider.outgoingServer) ? provider.outgoingServer : [])
    .map((node) => readServer(node, ['smtp'], email, warnings))
    .filter((c): c is Connection => c !== undefined);
  for (const connection of [...Inbound, ...Outbound])
    warnings.push(...connectionWarnings(connection));

  const document: AutoconfigDocument = {
    domains: textsOf(provider, 'domain').map((domain) => substitute(domain, email).toLowerCase()),
    Inbound,
    Outbound,
    warnings,
  };
  const id = provider['@_id'];
  if (typeof id === 'string' && id !== '')
    document.providerId = substitute(decodeXmlText(id), email);
  const displayName = textOf(provider, 'displayName');
  if (displayName) document.displayName = substitute(displayName, email);
  const shortName = textOf(provider, 'displayShortName');
  if (shortName) document.displayShortName = substitute(shortName, email);
  return document;
}

/**
 * A mail account from an autoconfig document (`mesh mail import FILE`), e.g. one written by
 * exportAutoconfig. Without `emailAddress`, the address is the first user name that is an
 * address in one of the document's domains.
 */
export function importAutoconfigAccount(
  xml: string,
  options: { emailAddress?: string; accountName?: string } = {},
): { account: MailProfilePrivate; warnings: MailWarning[] } {
  let address = options.emailAddress;
  if (address === undefined) {
    const literal = parseAutoconfig(xml.replace(placeholderPattern, 'placeholder'));
    const usernames = [...literal.Inbound, ...literal.Outbound].map((c) => c.UserName ?? '');
    address = usernames.find((name) => {
      try {
        return literal.domains.includes(parseEmailAddress(name).domain);
      } catch {
        return false;
      }
    });
    if (address === undefined) {
      throw invalid('placeholder', "The document does not name the account's address: give it.");
    }
  }
  const document = parseAutoconfig(xml, address);
  if (document.Inbound.length === 0 && document.Outbound.length === 0) {
    throw invalid('structure', 'The document has no usable mail server.');
  }
  const account: MailProfilePrivate = {
    EmailAddress: parseEmailAddress(address).address,
    Inbound: document.Inbound,
    Outbound: document.Outbound,
    Sign: [],
    Encrypt: [],
  };
  const accountName = options.accountName ?? document.displayName;
  if (accountName) account.AccountName = accountName;
  return { account, warnings: document.warnings };
}
