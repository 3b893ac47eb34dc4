/**
 * The mail application on synced catalogs (docs/architecture.md section 12, "Mail settings"): an
 * account discovered from the provider's autoconfig document or from SRV records (servers on
 * loopback; nothing goes to the internet), the server password filled in, synced to a second
 * device; changes keep the earlier version in History; autoconfig export and import.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFetchDocument,
  type FetchDocument,
} from '../../../electron/core/mail/fetch-document';
import { createSrvResolver, type ResolveSrv } from '../../../electron/core/mail/srv-resolver';
import { startDnsServer, startHttpServer } from './loopback-mail-servers';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import {
  connectDevice,
  createAdministrator,
  startService,
  TestHomes,
  type TestService,
} from '../catalog/sync/harness';

const exampleXml = readFileSync(
  join(__dirname, '..', '..', 'fixtures', 'autoconfig', 'example.com.xml'),
  'utf8',
);

describe.runIf(keychainInSession)(`the mail application${keychainSkipReason}`, () => {
  let service: TestService;
  const homes = new TestHomes();
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let fetchDocument: FetchDocument;
  let resolveSrv: ResolveSrv;

  beforeAll(async () => {
    service = await startService();
    http = await startHttpServer({
      '/autoconfig.example.com/mail/config-v1.1.xml': (_request, response: ServerResponse) =>
        response.writeHead(200, { 'content-type': 'application/xml' }).end(exampleXml),
    });
    dns = await startDnsServer({
      '_imaps._tcp.srv.example': [
        { priority: 0, weight: 0, port: 993, target: 'imap.srv.example' },
      ],
      '_imap._tcp.srv.example': [],
      '_pop3s._tcp.srv.example': [],
      '_pop3._tcp.srv.example': [],
      '_submissions._tcp.srv.example': [],
      '_submission._tcp.srv.example': [
        { priority: 0, weight: 0, port: 587, target: 'smtp.srv.example' },
      ],
    });
    const base = createFetchDocument({ timeoutMs: 1500 });
    fetchDocument = (url) => base(http.loopbackUrl(url));
    resolveSrv = createSrvResolver({ servers: [dns.server], timeoutMs: 300, tries: 1 });
  });
  afterEach(() => homes.cleanup());
  afterAll(async () => {
    await http.close();
    await dns.close();
    await service.close();
  });

  it('adds a discovered account with its password, and the other device reads it', async () => {
    const admin = await createAdministrator(homes, service, 'judy');
    const phone = await connectDevice(homes, admin, 'phone');
    const mail = await admin.apps.mail();

    const fromAutoconfig = await mail.add(
      { EmailAddress: 'judy@example.com', DisplayName: 'Judy' },
      {
        discover: true,
        discovery: { fetchDocument, resolveSrv },
        credentials: { password: 'autoconfig-secret' },
      },
    );
    expect(fromAutoconfig.discovery).toMatchObject({ found: true, method: 'autoconfig' });
    expect(fromAutoconfig.entry.Inbound[0]).toMatchObject({
      ServiceName: 'imap.example.com',
      Port: 993,
      UserName: 'judy@example.com',
      Password: 'autoconfig-secret',
    });

    const fromSrv = await mail.add(
      { EmailAddress: 'judy@srv.example' },
      {
        discover: true,
        discovery: { fetchDocument, resolveSrv },
        credentials: { password: 'srv-secret' },
      },
    );
    expect(fromSrv.discovery).toMatchObject({ found: true, method: 'srv' });
    expect(fromSrv.entry.Outbound[0]).toMatchObject({
      ServiceName: 'smtp.srv.example',
      Port: 587,
      UserName: 'judy@srv.example',
      Password: 'srv-secret',
    });
    await expect(
      mail.add(
        { EmailAddress: 'judy@nowhere.example' },
        { discover: true, discovery: { fetchDocument, resolveSrv } },
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(mail.add({ EmailAddress: 'JUDY@example.com' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });

    await admin.apps.sync();
    await phone.apps.sync();
    const phoneMail = await phone.apps.mail();
    expect(phoneMail.list().map((entry) => entry.EmailAddress)).toEqual([
      'judy@example.com',
      'judy@srv.example',
    ]);
    expect(phoneMail.get('judy@srv.example')?.Outbound[0]?.Password).toBe('srv-secret');

    // A change on the phone keeps the earlier version in History on both devices.
    await phoneMail.update('judy@example.com', { AccountName: 'Work' });
    await phone.apps.sync();
    await admin.apps.sync();
    const changed = mail.get('judy@example.com')!;
    expect(changed.AccountName).toBe('Work');
    expect(changed.History).toHaveLength(1);
    expect(changed.History[0]?.AccountName).toBeUndefined();

    // Export as autoconfig (no password unless asked), import on the phone under another name.
    const xml = mail.exportAutoconfig('judy@srv.example');
    expect(xml).toContain('<hostname>imap.srv.example</hostname>');
    expect(xml).not.toContain('srv-secret');
    expect(mail.exportAutoconfig('judy@srv.example', { includePasswords: true })).toContain(
      'srv-secret',
    );
    await phoneMail.delete('judy@srv.example');
    const imported = await phoneMail.importAutoconfig(xml);
    expect(imported.entry.EmailAddress).toBe('judy@srv.example');
    await phone.apps.sync();
    await admin.apps.sync();
    expect(mail.get('judy@srv.example')?.Inbound[0]?.ServiceName).toBe('imap.srv.example');
    expect(mail.get('judy@srv.example')?.Inbound[0]?.Password).toBeUndefined();
  });
});
