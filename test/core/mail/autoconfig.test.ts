import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportAutoconfig } from '../../../electron/core/mail/autoconfig-export';
import {
  importAutoconfigAccount,
  parseAutoconfig,
} from '../../../electron/core/mail/autoconfig-parse';
import { buildMailConnection } from '../../../electron/core/mail/mail-connection';
import type { MailProfilePrivate } from '../../../shared/apps/mail-profile';
import { mailProfilePrivateSchema } from '../../../shared/apps/mail-profile';

const read = (name: string) =>
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'autoconfig', name), 'utf8');

describe('parseAutoconfig (Thunderbird config-v1.1)', () => {
  it('reads servers in order, with placeholders filled in for the address', () => {
    const document = parseAutoconfig(read('example.com.xml'), 'Alice.Smith@Example.com');
    expect(document.providerId).toBe('example.com');
    expect(document.domains).toEqual(['example.com', 'example.net']);
    expect(document.displayName).toBe('Example Mail & Co.');
    expect(document.Inbound).toEqual([
      {
        ServiceName: 'imap.example.com',
        Port: 993,
        Prefix: '_imaps._tcp',
        Security: ['Direct'],
        URI: 'imaps://imap.example.com:993',
        UserName: 'Alice.Smith@example.com',
        Authentication: 'OAuth2 password-cleartext',
      },
      {
        ServiceName: 'imap.example.com',
        Port: 143,
        Prefix: '_imap._tcp',
        Security: ['Upgrade'],
        URI: 'imap://imap.example.com:143',
        UserName: 'Alice.Smith@example.com',
        Authentication: 'password-cleartext',
      },
      {
        ServiceName: 'pop.example.com',
        Port: 995,
        Prefix: '_pop3s._tcp',
        Security: ['Direct'],
        URI: 'pop3s://pop.example.com:995',
        UserName: 'Alice.Smith',
        Authentication: 'password-cleartext',
      },
    ]);
    expect(document.Outbound.map((c) => [c.ServiceName, c.Port, c.Prefix, c.Security])).toEqual([
      ['smtp.example.com', 465, '_submissions._tcp', ['Direct']],
      ['smtp.example.com', 587, '_submission._tcp', ['Upgrade']],
    ]);
    expect(document.warnings).toEqual([
      {
        code: 'UNSUPPORTED_SERVER',
        message: 'A server of type "exchange" is not supported and was left out.',
      },
    ]);
  });

  it('warns about plain sockets, and about cleartext passwords over them', () => {
    const document = parseAutoconfig(read('plain.example.xml'), 'bob@plain.example');
    expect(document.displayName).toBe('Old “Plain” ISP');
    expect(document.warnings.map((w) => [w.code, w.server])).toEqual([
      ['INCOMPLETE_SERVER', '?:587'],
      ['PLAIN_SOCKET', 'mail.plain.example:110'],
      ['CLEARTEXT_PASSWORD', 'mail.plain.example:110'],
      ['PLAIN_SOCKET', 'mail.plain.example:143'],
      ['PLAIN_SOCKET', 'mail.plain.example:25'],
    ]);
    expect(document.Inbound[0]).toMatchObject({ Security: ['None'], UserName: 'bob' });
    expect(document.Outbound).toHaveLength(1);
  });

  it('needs the address when the document has placeholders', () => {
    expect(() => parseAutoconfig(read('example.com.xml'))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { reason: 'placeholder' } }),
    );
  });

  it.each([
    ['malformed.xml', 'xml'],
    ['entity-expansion.xml', 'doctype'],
    ['not-autoconfig.xml', 'structure'],
  ])('refuses %s (%s)', (name, reason) => {
    expect(() => parseAutoconfig(read(name), 'a@example.com')).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ reason }),
      }),
    );
  });

  it('refuses documents over the size limit before parsing', () => {
    const big = read('example.com.xml').replace(
      '</clientConfig>',
      `<!--${'x'.repeat(300_000)}--></clientConfig>`,
    );
    expect(() => parseAutoconfig(big, 'a@example.com')).toThrow(
      expect.objectContaining({ code: 'TOO_LARGE' }),
    );
  });
});

describe('exportAutoconfig / importAutoconfigAccount', () => {
  const account: MailProfilePrivate = mailProfilePrivateSchema.parse({
    EmailAddress: 'alice@example.com',
    AccountName: 'Work & play <home>',
    DisplayName: 'Alice Example',
    Inbound: [
      buildMailConnection({
        protocol: 'imap',
        host: 'imap.example.com',
        username: 'alice@example.com',
        password: 'imap-secret',
      }),
      buildMailConnection({
        protocol: 'pop3',
        host: 'pop.example.com',
        security: 'starttls',
        username: 'alice',
        authentication: ['password-encrypted'],
      }),
    ],
    Outbound: [
      buildMailConnection({
        protocol: 'smtp',
        host: 'smtp.example.com',
        security: 'starttls',
        username: 'alice@example.com',
        password: 'smtp-secret',
      }),
    ],
  });

  it('writes a config-v1.1 document without passwords unless asked', () => {
    const xml = exportAutoconfig(account);
    expect(xml).toContain('<clientConfig version="1.1">');
    expect(xml).toContain('<emailProvider id="example.com">');
    expect(xml).toContain('<displayName>Work &amp; play &lt;home&gt;</displayName>');
    expect(xml).toContain('<socketType>STARTTLS</socketType>');
    expect(xml).not.toContain('secret');
    expect(exportAutoconfig(account, { includePasswords: true })).toContain(
      '<password>imap-secret</password>',
    );
  });

  it('reads its own export back to the same account, finding the address in it', () => {
    const { account: back, warnings } = importAutoconfigAccount(
      exportAutoconfig(account, { includePasswords: true }),
    );
    expect(warnings).toEqual([]);
    expect(back).toEqual({ ...account, DisplayName: undefined, Sign: [], Encrypt: [] });
  });

  it('imports a provider document for a given address', () => {
    const { account: imported } = importAutoconfigAccount(read('example.com.xml'), {
      emailAddress: 'carol@example.net',
    });
    expect(imported.EmailAddress).toBe('carol@example.net');
    expect(imported.AccountName).toBe('Example Mail & Co.');
    expect(imported.Inbound[0]?.ServiceName).toBe('imap.example.net');
    expect(imported.Inbound[0]?.UserName).toBe('carol@example.net');
  });

  it('asks for the address when the document does not name it', () => {
    expect(() => importAutoconfigAccount(read('example.com.xml'))).toThrow(
      expect.objectContaining({ details: { reason: 'placeholder' } }),
    );
  });

  it('refuses to write an SMTP server as inbound', () => {
    expect(() => exportAutoconfig({ ...account, Inbound: account.Outbound })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'Inbound' } }),
    );
  });
});
