/**
 * The Thunderbird ISP database files of ../shared/interop-data/autoconfig (SOURCES.md): each
 * imports for alice.smith@<its first domain> with every placeholder filled in, and its export
 * reads back to the same account.
 */
import { expect, it } from 'vitest';
import { exportAutoconfig } from '../../../electron/core/mail/autoconfig-export';
import {
  importAutoconfigAccount,
  parseAutoconfig,
} from '../../../electron/core/mail/autoconfig-parse';
import { mailProfilePrivateSchema } from '../../../shared/apps/mail-profile';
import { describeInterop, interopFile, interopFiles } from '../../support/interop-data';

describeInterop('Thunderbird ISP database documents (interop-data/autoconfig)', () => {
  const files = interopFiles('autoconfig');

  it('finds the data set', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });

  it.each(files)('%s imports with placeholders filled in, and exports back', (name) => {
    const xml = interopFile('autoconfig', name).toString('utf8');
    const domain = /<domain>([^<]+)<\/domain>/.exec(xml)?.[1]?.trim() ?? '';
    const address = `alice.smith@${domain}`;
    const document = parseAutoconfig(xml, address);
    expect(document.domains[0]).toBe(domain);
    const { account } = importAutoconfigAccount(xml, { emailAddress: address });
    mailProfilePrivateSchema.parse(account);
    expect(account.EmailAddress).toBe(address);
    expect(account.Inbound.length + account.Outbound.length).toBeGreaterThan(0);
    const text = JSON.stringify(account);
    // Every placeholder of the database (and the %EMAILADDRESS typo's well-formed part) is gone.
    expect(text).not.toMatch(/%EMAIL(ADDRESS|LOCALPART|DOMAIN)%/);
    expect(text).toMatch(/alice\.smith/);
    const back = importAutoconfigAccount(exportAutoconfig(account), { emailAddress: address });
    expect(back.account.Inbound).toEqual(account.Inbound);
    expect(back.account.Outbound).toEqual(account.Outbound);
  });
});
