import { afterEach, describe, expect, it } from 'vitest';
import {
  addressKey,
  newMailAccount,
  parseEmailAddress,
  reviseMailAccount,
} from '../../../electron/core/mail/mail-catalog';
import {
  buildMailConnection,
  connectionWarnings,
  describeMailConnection,
  parseHostPort,
} from '../../../electron/core/mail/mail-connection';
import type { ChangeContext } from '../../../electron/core/catalog/entry-model';
import { CATALOG_KINDS } from '../../../electron/core/catalog/catalog-kinds';
import { catalogOnDisk, type CatalogOnDisk } from '../../support/catalog-on-disk';

function device(udf: string, iso: string): ChangeContext {
  let id = 0;
  return { deviceUdf: udf, now: () => new Date(iso), newIdentifier: () => `${udf}-m${++id}` };
}

describe('mail connections (draft-hallambaker-mesh-reference-03 section 5.6.1)', () => {
  it('builds connections with the default port and security for each protocol', () => {
    const cases = [
      ['imap', 'ssl', 993, '_imaps._tcp', 'Direct'],
      ['imap', 'starttls', 143, '_imap._tcp', 'Upgrade'],
      ['pop3', 'ssl', 995, '_pop3s._tcp', 'Direct'],
      ['pop3', 'plain', 110, '_pop3._tcp', 'None'],
      ['smtp', 'ssl', 465, '_submissions._tcp', 'Direct'],
      ['smtp', 'starttls', 587, '_submission._tcp', 'Upgrade'],
    ] as const;
    for (const [protocol, security, port, prefix, mode] of cases) {
      const connection = buildMailConnection({ protocol, host: 'Mail.Example.com', security });
      expect(connection).toMatchObject({
        ServiceName: 'mail.example.com',
        Port: port,
        Prefix: prefix,
        Security: [mode],
      });
      expect(describeMailConnection(connection)).toMatchObject({
        protocol,
        security,
        port,
        host: 'mail.example.com',
      });
    }
  });

  it('keeps user name, password, timeout and polling', () => {
    const connection = buildMailConnection({
      protocol: 'imap',
      host: 'imap.example.com',
      port: 1993,
      username: 'alice',
      password: 'secret',
      authentication: ['OAuth2', 'password-cleartext'],
      timeoutSeconds: 60,
      polling: true,
    });
    expect(connection).toEqual({
      ServiceName: 'imap.example.com',
      Port: 1993,
      Prefix: '_imaps._tcp',
      Security: ['Direct'],
      URI: 'imaps://imap.example.com:1993',
      UserName: 'alice',
      Password: 'secret',
      Authentication: 'OAuth2 password-cleartext',
      TimeOut: 60,
      Polling: true,
    });
  });

  it('parses HOST[:PORT] as the CLI takes it', () => {
    expect(parseHostPort('imap.example.com:993')).toEqual({ host: 'imap.example.com', port: 993 });
    expect(parseHostPort('IMAP.bücher.de')).toEqual({ host: 'imap.xn--bcher-kva.de' });
    expect(parseHostPort('[::1]:1143')).toEqual({ host: '[::1]', port: 1143 });
    for (const bad of [
      'imap.example.com:0',
      'imap.example.com:x',
      'https://imap.example.com/',
      '',
    ]) {
      expect(() => parseHostPort(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('warns about a plain socket, and a cleartext password over it', () => {
    const tls = buildMailConnection({ protocol: 'imap', host: 'a.example', security: 'starttls' });
    expect(connectionWarnings(tls)).toEqual([]);
    const plain = buildMailConnection({ protocol: 'imap', host: 'a.example', security: 'plain' });
    expect(connectionWarnings(plain).map((w) => w.code)).toEqual([
      'PLAIN_SOCKET',
      'CLEARTEXT_PASSWORD',
    ]);
    const hashed = buildMailConnection({
      protocol: 'imap',
      host: 'a.example',
      security: 'plain',
      authentication: ['password-encrypted'],
    });
    expect(connectionWarnings(hashed).map((w) => w.code)).toEqual(['PLAIN_SOCKET']);
    expect(
      connectionWarnings({ ...plain, Password: 'hunter2' }).some((w) =>
        w.message.includes('hunter2'),
      ),
    ).toBe(false);
  });
});

describe('mail accounts on their catalog (draft-hallambaker-mesh-reference-03 section 5.8.2)', () => {
  const inbound = [
    buildMailConnection({
      protocol: 'imap',
      host: 'imap.example.com',
      username: 'alice@example.com',
      password: 'pw',
    }),
  ];

  it('parses addresses, with IDN domains in punycode', () => {
    expect(parseEmailAddress(' Alice@Bücher.DE ')).toEqual({
      address: 'Alice@xn--bcher-kva.de',
      localPart: 'Alice',
      domain: 'xn--bcher-kva.de',
    });
    for (const bad of [
      'alice',
      '@example.com',
      'alice@',
      'al ice@example.com',
      'alice@exa mple.com',
    ]) {
      expect(() => parseEmailAddress(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  const opened: CatalogOnDisk<'mail'>[] = [];
  afterEach(() => {
    for (const catalog of opened.splice(0)) catalog.close();
  });
  const mailCatalog = async () => {
    const catalog = await catalogOnDisk(CATALOG_KINDS.mail);
    opened.push(catalog);
    return catalog.replica;
  };

  it('makes accounts with checked addresses and revises them, the old version in History', () => {
    const added = newMailAccount(
      {
        EmailAddress: 'alice@Example.com',
        AccountName: 'Work',
        DisplayName: 'Alice',
        Inbound: inbound,
      },
      device('DEV-A', '2024-01-01T00:00:00Z'),
    );
    expect(added).toMatchObject({
      EmailAddress: 'alice@example.com',
      Inbound: inbound,
      Outbound: [],
      UpdatedBy: 'DEV-A',
    });
    expect(addressKey('ALICE@example.COM')).toBe(addressKey(added.EmailAddress));
    expect(() =>
      newMailAccount({ EmailAddress: 'alice' }, device('DEV-A', '2024-01-01T00:00:00Z')),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'EmailAddress' } }),
    );

    const updated = reviseMailAccount(
      added,
      { ReplyToAddress: 'replies@example.com' },
      device('DEV-B', '2024-02-01T00:00:00Z'),
    );
    expect(updated).toMatchObject({
      ReplyToAddress: 'replies@example.com',
      AccountName: 'Work',
      Inbound: inbound,
      UpdatedBy: 'DEV-B',
    });
    expect(updated.History[0]).toMatchObject({ UpdatedBy: 'DEV-A' });
    expect(updated.History[0]?.ReplyToAddress).toBeUndefined();
    expect(
      reviseMailAccount(updated, { AccountName: 'Work' }, device('DEV-B', '2024-03-01T00:00:00Z')),
    ).toBe(updated);
  });

  it('merges an account edited on two devices the same way on both', async () => {
    const a = await mailCatalog();
    const b = await mailCatalog();
    const original = newMailAccount(
      { EmailAddress: 'alice@example.com', Inbound: inbound },
      device('DEV-A', '2024-01-01T00:00:00Z'),
    );
    a.change([{ Entry: original }]);
    b.change([{ Entry: original }]);
    const onA = reviseMailAccount(
      original,
      { AccountName: 'From A' },
      device('DEV-A', '2024-03-01T00:00:00Z'),
    );
    const onB = reviseMailAccount(
      original,
      { AccountName: 'From B' },
      device('DEV-B', '2024-03-01T00:00:01Z'),
    );
    a.change([{ Entry: onA }, { Entry: onB }]);
    b.change([{ Entry: onB }, { Entry: onA }]);
    expect(a.entry(original.Identifier)).toEqual(b.entry(original.Identifier));
    expect(a.entry(original.Identifier)?.AccountName).toBe('From B');
    expect(a.entry(original.Identifier)?.History.map((v) => v.AccountName)).toEqual([
      'From A',
      undefined,
    ]);
  });
});
