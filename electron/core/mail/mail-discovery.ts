import type { Connection } from '../../../shared/apps/connection';
import { isMeshError } from '../../../shared/errors';
import { parseAutoconfig } from './autoconfig-parse';
import { parseEmailAddress } from './mail-catalog';
import { buildMailConnection, connectionWarnings, normaliseServerHost } from './mail-connection';
import type { MailProtocol, MailSecurity, MailWarning } from './mail-connection';
import { createFetchDocument } from './fetch-document';
import type { FetchDocument } from './fetch-document';
import { createSrvResolver } from './srv-resolver';
import type { ResolveSrv, SrvRecord } from './srv-resolver';

/**
 * Mail settings discovery for an address (docs/architecture.md section 12; section 13): the
 * provider's Thunderbird autoconfig document at autoconfig.<domain>, then at
 * <domain>/.well-known/autoconfig/, then RFC 6186 / RFC 8314 SRV records. The network is
 * reached only through the injected fetchDocument and resolveSrv, so tests answer from
 * servers of their own on loopback.
 */

export type DiscoveryMethod = 'autoconfig' | 'well-known' | 'srv';

/** What one step tried and what came of it (for the user and for debugging). */
export type DiscoveryAttempt = {
  method: DiscoveryMethod;
  /** The URL fetched or the SRV name looked up. */
  target: string;
  outcome: 'found' | 'not-found' | 'not-offered' | 'invalid' | 'failed';
  detail?: string;
};

export type MailDiscovery =
  | {
      found: true;
      method: DiscoveryMethod;
      /** The URL of the document, or the domain whose SRV records were used. */
      source: string;
      /** The provider's name, from an autoconfig document. */
      providerName?: string;
      Inbound: Connection[];
      Outbound: Connection[];
      warnings: MailWarning[];
      attempts: DiscoveryAttempt[];
    }
  | { found: false; attempts: DiscoveryAttempt[] };

export type DiscoveryOptions = {
  /** Default: createFetchDocument() (HTTPS, 10 s, 256 KiB). */
  fetchDocument?: FetchDocument;
  /** Default: createSrvResolver() (the system's DNS servers). */
  resolveSrv?: ResolveSrv;
};

/** RFC 6186 services (and RFC 8314's _submissions), most preferred kind first. */
const srvServices: readonly {
  label: string;
  protocol: MailProtocol;
  security: MailSecurity;
}[] = [
  { label: '_imaps._tcp', protocol: 'imap', security: 'ssl' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { label: '_pop3s._tcp', protocol: 'pop3', security: 'ssl' },
  { label: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
  { label: '_submissions._tcp', protocol: 'smtp', security: 'ssl' },
  { label: '_submission._tcp', protocol: 'smtp', security: 'starttls' },
];

function failure(error: unknown): string {
  return isMeshError(error) ? `${error.code}: ${error.message}` : 'unexpected error';
}

type Candidate = { record: SrvRecord; rank: number; host: string };

/**
 * Connections from SRV records. Within one direction they are ordered by SRV priority (RFC
 * 6186 section 3.4 lets it choose between services), then implicit TLS before STARTTLS
 * (RFC 8314 section 5.1), then IMAP before POP3, then heavier weight first: the stored order
 * is a preference list, so RFC 2782's weighted random pick becomes "heaviest first".
 */
export async function discoverFromSrv(
  email: string,
  resolveSrv: ResolveSrv,
): Promise<{ Inbound: Connection[]; Outbound: Connection[]; attempts: DiscoveryAttempt[] }> {
  const address = parseEmailAddress(email);
  const attempts: DiscoveryAttempt[] = [];
  const inbound: Candidate[] = [];
  const outbound: Candidate[] = [];
  const answers = await Promise.all(
    srvServices.map(async (service) => {
      const name = `${service.label}.${address.domain}`;
      try {
        return { service, name, records: await resolveSrv(name) };
      } catch (error) {
        return { service, name, error };
      }
    }),
  );
  answers.forEach((answer, index) => {
    const { service, name } = answer;
    if ('error' in answer) {
      attempts.push({
        method: 'srv',
        target: name,
        outcome: 'failed',
        detail: failure(answer.error),
      });
      return;
    }
    const offered = answer.records.filter((r) => r.name !== '' && r.name !== '.' && r.port > 0);
    if (answer.records.length === 0) {
      attempts.push({ method: 'srv', target: name, outcome: 'not-found' });
      return;
    }
    if (offered.length === 0) {
      // RFC 2782 / RFC 6186: a lone record with target "." says the service is not offered.
      attempts.push({ method: 'srv', target: name, outcome: 'not-offered' });
      return;
    }
    attempts.push({ method: 'srv', target: name, outcome: 'found' });
    for (const record of offered) {
      let host: string;
      try {
        host = normaliseServerHost(record.name.replace(/\.$/, ''));
      } catch {
        continue;
      }
      const candidate = { record, rank: index, host };
      (service.protocol === 'smtp' ? outbound : inbound).push(candidate);
    }
  });
  const order = (a: Candidate, b: Candidate) =>
    a.record.priority - b.record.priority ||
    a.rank - b.rank ||
    b.record.weight - a.record.weight ||
    (a.host < b.host ? -1 : a.host > b.host ? 1 : 0);
  const toConnection = (candidate: Candidate): Connection => {
    const service = srvServices[candidate.rank];
    if (!service) throw new Error('unreachable: candidate without service');
    return buildMailConnection({
      protocol: service.protocol,
      host: candidate.host,
      port: candidate.record.port,
      security: service.security,
      // RFC 6186 names no user name; the whole address is what providers expect.
      username: address.address,
      authentication: ['password-cleartext'],
    });
  };
  return {
    Inbound: inbound.sort(order).map(toConnection),
    Outbound: outbound.sort(order).map(toConnection),
    attempts,
  };
}

/**
 * Discovers the mail servers of an address (docs/architecture.md section 12): autoconfig document
 * at autoconfig.<domain>, then at <domain>/.well-known/, then SRV records; the first that yields
 * a server wins. Never throws for network trouble: each step's outcome is in `attempts`.
 */
export async function discoverMailSettings(
  emailAddress: string,
  options: DiscoveryOptions = {},
): Promise<MailDiscovery> {
  const address = parseEmailAddress(emailAddress);
  const fetchDocument = options.fetchDocument ?? createFetchDocument();
  const resolveSrv = options.resolveSrv ?? createSrvResolver();
  const attempts: DiscoveryAttempt[] = [];

  const documents: { method: DiscoveryMethod; url: string }[] = [
    {
      method: 'autoconfig',
      url: `https://autoconfig.${address.domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address.address)}`,
    },
    {
      method: 'well-known',
      url: `https://${address.domain}/.well-known/autoconfig/mail/config-v1.1.xml`,
    },
  ];
  for (const { method, url } of documents) {
    let text: string | null;
    try {
      text = await fetchDocument(url);
    } catch (error) {
      attempts.push({ method, target: url, outcome: 'failed', detail: failure(error) });
      continue;
    }
    if (text === null) {
      attempts.push({ method, target: url, outcome: 'not-found' });
      continue;
    }
    try {
      const document = parseAutoconfig(text, address.address);
      if (document.Inbound.length === 0 && document.Outbound.length === 0) {
        attempts.push({ method, target: url, outcome: 'invalid', detail: 'no usable mail server' });
        continue;
      }
      attempts.push({ method, target: url, outcome: 'found' });
      const found: MailDiscovery = {
        found: true,
        method,
        source: url,
        Inbound: document.Inbound,
        Outbound: document.Outbound,
        warnings: [...document.warnings, ...missingDirections(document.Inbound, document.Outbound)],
        attempts,
      };
      if (document.displayName) found.providerName = document.displayName;
      return found;
    } catch (error) {
      attempts.push({ method, target: url, outcome: 'invalid', detail: failure(error) });
    }
  }

  const srv = await discoverFromSrv(address.address, resolveSrv);
  attempts.push(...srv.attempts);
  if (srv.Inbound.length === 0 && srv.Outbound.length === 0) return { found: false, attempts };
  return {
    found: true,
    method: 'srv',
    source: address.domain,
    Inbound: srv.Inbound,
    Outbound: srv.Outbound,
    warnings: [
      ...[...srv.Inbound, ...srv.Outbound].flatMap(connectionWarnings),
      ...missingDirections(srv.Inbound, srv.Outbound),
    ],
    attempts,
  };
}

function missingDirections(inbound: Connection[], outbound: Connection[]): MailWarning[] {
  const warnings: MailWarning[] = [];
  if (inbound.length === 0) {
    warnings.push({
      code: 'NO_INCOMING_SERVER',
      message: 'No incoming (IMAP or POP3) server was found.',
    });
  }
  if (outbound.length === 0) {
    warnings.push({ code: 'NO_OUTGOING_SERVER', message: 'No outgoing (SMTP) server was found.' });
  }
  return warnings;
}
