import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchDocument } from '../../../electron/core/mail/fetch-document';
import type { FetchDocument } from '../../../electron/core/mail/fetch-document';
import { discoverFromSrv, discoverMailSettings } from '../../../electron/core/mail/mail-discovery';
import { createSrvResolver } from '../../../electron/core/mail/srv-resolver';
import type { ResolveSrv } from '../../../electron/core/mail/srv-resolver';
import { startDnsServer, startHttpServer } from './loopback-mail-servers';

const exampleXml = readFileSync(
  join(__dirname, '..', '..', 'fixtures', 'autoconfig', 'example.com.xml'),
  'utf8',
);
const plainXml = readFileSync(
  join(__dirname, '..', '..', 'fixtures', 'autoconfig', 'plain.example.xml'),
  'utf8',
);

const xml = (body: string) => (_request: unknown, response: ServerResponse) =>
  response.writeHead(200, { 'content-type': 'application/xml' }).end(body);

let http: Awaited<ReturnType<typeof startHttpServer>>;
let dns: Awaited<ReturnType<typeof startDnsServer>>;
let fetchDocument: FetchDocument;
let resolveSrv: ResolveSrv;

beforeAll(async () => {
  http = await startHttpServer({
    // example.com: the provider's autoconfig host serves the document.
    '/autoconfig.example.com/mail/config-v1.1.xml': xml(exampleXml),
    // plain.example: only the domain's .well-known path does (its autoconfig host 404s).
    '/plain.example/.well-known/autoconfig/mail/config-v1.1.xml': xml(plainXml),
    // broken.example: garbage at the first place, a server error at the second.
    '/autoconfig.broken.example/mail/config-v1.1.xml': xml('<clientConfig><emailProvider>'),
    '/broken.example/.well-known/autoconfig/mail/config-v1.1.xml': (_q, response) =>
      response.writeHead(500).end('oops'),
    // huge.example: a document far over the size limit, streamed without a length.
    '/autoconfig.huge.example/mail/config-v1.1.xml': (_q, response) => {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(`<clientConfig>${'<!-- padding -->'.repeat(40_000)}</clientConfig>`);
    },
    // moved.example: redirected once on loopback, then to the documents of example.com.
    '/autoconfig.moved.example/mail/config-v1.1.xml': (_q, response) =>
      response.writeHead(301, { location: '/autoconfig.example.com/mail/config-v1.1.xml' }).end(),
    // downgrade.example: redirected to plain HTTP on the internet, which must not be followed.
    '/autoconfig.downgrade.example/mail/config-v1.1.xml': (_q, response) =>
      response.writeHead(302, { location: 'http://downgrade.example/config.xml' }).end(),
    // slow.example: never answers.
    '/autoconfig.slow.example/mail/config-v1.1.xml': () => undefined,
  });
  dns = await startDnsServer(
    {
      '_imaps._tcp.srv.example': [
        { priority: 10, weight: 0, port: 993, target: 'imap-backup.srv.example' },
        { priority: 0, weight: 10, port: 993, target: 'imap2.srv.example' },
        { priority: 0, weight: 90, port: 993, target: 'imap1.srv.example' },
      ],
      '_imap._tcp.srv.example': [{ priority: 0, weight: 0, port: 143, target: 'imap.srv.example' }],
      '_pop3s._tcp.srv.example': [{ priority: 0, weight: 0, port: 0, target: '.' }],
      '_pop3._tcp.srv.example': [],
      '_submission._tcp.srv.example': [
        { priority: 5, weight: 0, port: 587, target: 'smtp.srv.example' },
      ],
      '_submissions._tcp.srv.example': [
        { priority: 5, weight: 0, port: 465, target: 'smtp.srv.example.' },
      ],
    },
    ['_imaps._tcp.silent.example'],
  );
  const base = createFetchDocument({ timeoutMs: 1500, maxBytes: 64 * 1024 });
  fetchDocument = (url) => base(http.loopbackUrl(url));
  resolveSrv = createSrvResolver({ servers: [dns.server], timeoutMs: 300, tries: 1 });
});

afterAll(async () => {
  await http?.close();
  await dns?.close();
});

describe('mail discovery against loopback servers', () => {
  it('finds the autoconfig document on autoconfig.<domain>, for the address asked', async () => {
    const result = await discoverMailSettings('alice@example.com', { fetchDocument, resolveSrv });
    expect(result.found).toBe(true);
    if (!result.found) return;
    expect(result.method).toBe('autoconfig');
    expect(result.source).toBe(
      'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=alice%40example.com',
    );
    expect(result.providerName).toBe('Example Mail & Co.');
    expect(result.Inbound[0]).toMatchObject({
      ServiceName: 'imap.example.com',
      Port: 993,
      UserName: 'alice@example.com',
    });
    expect(result.Outbound.map((c) => c.Port)).toEqual([465, 587]);
    expect(http.seen).toContain(
      '/autoconfig.example.com/mail/config-v1.1.xml?emailaddress=alice%40example.com',
    );
  });

  it('falls back to /.well-known/ and passes on the plain-socket warnings', async () => {
    const result = await discoverMailSettings('bob@plain.example', { fetchDocument, resolveSrv });
    expect(result.found && result.method).toBe('well-known');
    if (!result.found) return;
    expect(result.attempts.map((a) => [a.method, a.outcome])).toEqual([
      ['autoconfig', 'not-found'],
      ['well-known', 'found'],
    ]);
    expect(result.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['PLAIN_SOCKET', 'CLEARTEXT_PASSWORD']),
    );
  });

  it('falls back to RFC 6186 SRV records, ordered by priority, TLS, protocol and weight', async () => {
    const result = await discoverMailSettings('carol@srv.example', { fetchDocument, resolveSrv });
    expect(result.found && result.method).toBe('srv');
    if (!result.found) return;
    expect(result.Inbound.map((c) => `${c.ServiceName}:${c.Port} ${c.Security[0]}`)).toEqual([
      'imap1.srv.example:993 Direct',
      'imap2.srv.example:993 Direct',
      'imap.srv.example:143 Upgrade',
      'imap-backup.srv.example:993 Direct',
    ]);
    expect(result.Outbound.map((c) => `${c.ServiceName}:${c.Port} ${c.Prefix}`)).toEqual([
      'smtp.srv.example:465 _submissions._tcp',
      'smtp.srv.example:587 _submission._tcp',
    ]);
    expect(result.Inbound[0]?.UserName).toBe('carol@srv.example');
    const outcome = Object.fromEntries(
      result.attempts.map((a) => [a.target.split('?')[0], a.outcome]),
    );
    expect(outcome).toMatchObject({
      'https://autoconfig.srv.example/mail/config-v1.1.xml': 'not-found',
      'https://srv.example/.well-known/autoconfig/mail/config-v1.1.xml': 'not-found',
      '_pop3s._tcp.srv.example': 'not-offered',
      '_pop3._tcp.srv.example': 'not-found',
      '_imaps._tcp.srv.example': 'found',
    });
    expect(result.warnings).toEqual([]);
    expect(dns.questions).toContain('SRV _submissions._tcp.srv.example');
  });

  it('reports every attempt when nothing is found, including bad and failing servers', async () => {
    const result = await discoverMailSettings('dave@broken.example', { fetchDocument, resolveSrv });
    expect(result.found).toBe(false);
    expect(
      result.attempts.slice(0, 2).map((a) => [a.method, a.outcome, a.detail?.split(':')[0]]),
    ).toEqual([
      ['autoconfig', 'invalid', 'INVALID_ARGUMENT'],
      ['well-known', 'failed', 'NETWORK'],
    ]);
    expect(result.attempts.filter((a) => a.method === 'srv')).toHaveLength(6);
  });

  it('stops reading a document over the size limit', async () => {
    const result = await discoverMailSettings('erin@huge.example', { fetchDocument, resolveSrv });
    expect(result.attempts[0]).toMatchObject({
      outcome: 'failed',
      detail: expect.stringMatching(/^TOO_LARGE/),
    });
  });

  it('follows a redirect, but never one to plain HTTP', async () => {
    const moved = await discoverMailSettings('hal@moved.example', { fetchDocument, resolveSrv });
    expect(moved.found && moved.method).toBe('autoconfig');
    const downgrade = await discoverMailSettings('ivy@downgrade.example', {
      fetchDocument,
      resolveSrv,
    });
    expect(downgrade.attempts[0]).toMatchObject({
      outcome: 'failed',
      detail: expect.stringMatching(/^INVALID_ARGUMENT: .*HTTPS only/),
    });
  });

  it('gives up on a server that does not answer', async () => {
    const quick = createFetchDocument({ timeoutMs: 200 });
    const result = await discoverMailSettings('frank@slow.example', {
      fetchDocument: (url) => quick(http.loopbackUrl(url)),
      resolveSrv,
    });
    expect(result.attempts[0]).toMatchObject({
      outcome: 'failed',
      detail: expect.stringMatching(/^TIMEOUT/),
    });
  });

  it('reports a DNS server that does not answer as a failed look-up', async () => {
    const srv = await discoverFromSrv('gina@silent.example', resolveSrv);
    expect(srv.attempts.find((a) => a.target === '_imaps._tcp.silent.example')).toMatchObject({
      outcome: 'failed',
      detail: expect.stringMatching(/^TIMEOUT/),
    });
    expect(srv.Inbound).toEqual([]);
  });
});

describe('createFetchDocument', () => {
  it('fetches https only, plain http only on loopback', async () => {
    const fetchDocument = createFetchDocument();
    await expect(fetchDocument('http://example.com/mail/config-v1.1.xml')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(fetchDocument('ftp://example.com/x')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      fetchDocument(http.loopbackUrl('https://nothing.example/missing')),
    ).resolves.toBeNull();
  });
});
