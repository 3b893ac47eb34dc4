import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMailConnection } from '../../../../electron/core/mail/mail-connection';
import { keychainInSession, keychainSkipReason } from '../../keystore/keychain-session';
import {
  connectDevice,
  createAdministrator,
  startService,
  TestHomes,
  type TestDevice,
  type TestService,
} from './harness';
import { serviceForSuite } from '../../../support/service-suite';
import { deviceCoreOf } from '../../../../electron/core/session/device-internals';

/** Every file of the service's data directory, as bytes (SQLite database, WAL, journal). */
async function serviceBytes(service: TestService): Promise<Buffer> {
  const names = await readdir(service.directory);
  return Buffer.concat(
    await Promise.all(names.map((name) => readFile(join(service.directory, name)))),
  );
}

/** The whole log as the service's Transfer gives it (the account is a transfer account). */
async function transferText(device: TestDevice, account: string): Promise<string> {
  const client = await deviceCoreOf(device.device).context.accountClient();
  const records: string[] = [];
  let pageKey: string | undefined;
  do {
    const page = await client.call('Transfer', {
      Account: account,
      ...(pageKey === undefined ? {} : { SearchConstraints: { PageKey: pageKey } }),
    });
    records.push(...page.DataItems.map((item) => item.Record));
    pageKey = page.PageKey;
  } while (pageKey !== undefined);
  return records.join('\n');
}

describe.runIf(keychainInSession)(`catalogs across two devices${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService({ transferAccounts: ['alice'] }), homes);

  it('a password and a mail account added on one device are read on another; the service holds no plaintext', async () => {
    const admin = await createAdministrator(homes, service, 'alice');
    const phone = await connectDevice(homes, admin, 'phone');

    const secrets = {
      site: 'bank-of-elsewhere.example',
      username: 'alice.customer.7731',
      password: 'Tr0ub4dor&3-horse-staple-9917',
      email: 'alice.mailbox@mail-provider.example',
      imapPassword: 'imap-secret-Q8v2W',
    };
    const passwords = await admin.apps.passwords();
    await passwords.add({
      Sites: [`https://www.${secrets.site}/login`],
      Username: secrets.username,
      Password: secrets.password,
      TOTP: 'JBSWY3DPEHPK3PXP',
    });
    const mail = await admin.apps.mail();
    await mail.add({
      EmailAddress: secrets.email,
      DisplayName: 'Alice',
      Inbound: [
        buildMailConnection({
          protocol: 'imap',
          host: 'imap.mail-provider.example',
          username: secrets.email,
          password: secrets.imapPassword,
        }),
      ],
      Outbound: [
        buildMailConnection({
          protocol: 'smtp',
          host: 'smtp.mail-provider.example',
          security: 'starttls',
        }),
      ],
    });
    const network = await admin.apps.network();
    await network.add({
      Sites: ['*.intranet-corp.example'],
      DNS: [{ ServiceName: 'dns.intranet-corp.example', Port: 853, Security: ['Direct'] }],
      Prefix: ['intranet-corp.example'],
    });
    expect(passwords.pending).toBe(1);
    const pushed = await admin.apps.sync();
    expect(pushed.uploaded).toBe(3);
    expect(passwords.pending).toBe(0);

    const pulled = await phone.apps.sync();
    expect(pulled.downloaded).toBe(3);
    const [profile] = (await phone.apps.network()).forSite('https://wiki.intranet-corp.example/');
    expect(profile?.DNS[0]).toMatchObject({ ServiceName: 'dns.intranet-corp.example', Port: 853 });
    const phonePasswords = await phone.apps.passwords();
    const [match] = phonePasswords.find(`https://www.${secrets.site}/account`);
    expect(match?.entry).toMatchObject({
      Username: secrets.username,
      Password: secrets.password,
    });
    expect(phonePasswords.totp(match!.entry)?.code).toMatch(/^\d{6}$/);
    const phoneMail = await phone.apps.mail();
    expect(phoneMail.get(secrets.email.toUpperCase())?.Inbound[0]?.Password).toBe(
      secrets.imapPassword,
    );

    // The service's files and its log hold none of it.
    const stored = await serviceBytes(service);
    const log = await transferText(admin, 'alice');
    expect(log).toContain('mmm_Password_');
    for (const secret of Object.values(secrets)) {
      expect(stored.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      expect(log.includes(secret)).toBe(false);
    }
    for (const name of ['mail-provider', 'intranet-corp', 'bank-of-elsewhere']) {
      expect(stored.includes(Buffer.from(name, 'utf8'))).toBe(false);
      expect(log.includes(name)).toBe(false);
    }
  });
});
