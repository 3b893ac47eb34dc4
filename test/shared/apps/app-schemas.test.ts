import { describe, expect, it } from 'vitest';
import { connectionSchema } from '../../../shared/apps/connection';
import { HISTORY_LIMIT } from '../../../shared/apps/entry';
import {
  mailAccountEntrySchema,
  mailProfilePrivateSchema,
} from '../../../shared/apps/mail-profile';
import {
  networkProfileEntrySchema,
  networkProfilePrivateSchema,
} from '../../../shared/apps/network-profile';
import {
  passwordEntrySchema,
  passwordProfilePrivateSchema,
  sitePatternSchema,
} from '../../../shared/apps/password-entry';

const meta = {
  Identifier: 'E1',
  Created: '2024-01-01T00:00:00.000Z',
  Updated: '2024-01-02T00:00:00.000Z',
  UpdatedBy: 'MDEV-AAAA-BBBB',
};

describe('application profile schemas (draft-hallambaker-mesh-reference-03 sections 5.5-5.9)', () => {
  it('accepts a full PasswordEntry and fills an absent History', () => {
    const parsed = passwordEntrySchema.parse({
      ...meta,
      Title: 'Example',
      Sites: ['example.com', '*.example.com', 'example.com:8443', '[::1]:8080', 'xn--bcher-kva.de'],
      Username: 'alice',
      Password: 'secret',
      Notes: 'n',
      TOTP: 'JBSWY3DPEHPK3PXP',
    });
    expect(parsed.History).toEqual([]);
  });

  it('refuses unnormalised sites, unknown fields, bad times and long histories', () => {
    for (const site of ['Example.com', 'https://example.com', 'exa mple.com', 'bücher.de', '*.']) {
      expect(sitePatternSchema.safeParse(site).success).toBe(false);
    }
    expect(passwordEntrySchema.safeParse({ ...meta, Sites: [], Extra: 1 }).success).toBe(false);
    expect(
      passwordEntrySchema.safeParse({ ...meta, Sites: [], Updated: 'yesterday' }).success,
    ).toBe(false);
    const version = { Sites: [], Updated: meta.Created, UpdatedBy: 'D' };
    expect(
      passwordEntrySchema.safeParse({
        ...meta,
        Sites: [],
        History: Array(HISTORY_LIMIT).fill(version),
      }).success,
    ).toBe(true);
    expect(
      passwordEntrySchema.safeParse({
        ...meta,
        Sites: [],
        History: Array(HISTORY_LIMIT + 1).fill(version),
      }).success,
    ).toBe(false);
    expect(
      passwordEntrySchema.safeParse({ ...meta, Sites: [], History: [{ ...version, History: [] }] })
        .success,
    ).toBe(false);
  });

  it('reads PasswordProfilePrivate with NeverAsk and AutoGenerate', () => {
    expect(passwordProfilePrivateSchema.parse({ AutoGenerate: true })).toEqual({
      AutoGenerate: true,
      NeverAsk: [],
    });
  });

  it('reads a Connection with the seed security modes', () => {
    expect(
      connectionSchema.parse({
        ServiceName: 'imap.example.com',
        Port: 993,
        Security: ['Direct'],
        Prefix: '_imaps._tcp',
      }).Security,
    ).toEqual(['Direct']);
    expect(connectionSchema.safeParse({ Security: ['SSL'] }).success).toBe(false);
    expect(connectionSchema.safeParse({ Port: 70_000 }).success).toBe(false);
  });

  it('reads MailProfilePrivate and its catalog entry', () => {
    const account = mailProfilePrivateSchema.parse({ EmailAddress: 'alice@example.com' });
    expect(account).toEqual({
      EmailAddress: 'alice@example.com',
      Inbound: [],
      Outbound: [],
      Sign: [],
      Encrypt: [],
    });
    expect(mailAccountEntrySchema.safeParse({ ...meta, ...account }).success).toBe(true);
    expect(mailAccountEntrySchema.safeParse({ ...meta }).success).toBe(false);
  });

  it('reads NetworkProfilePrivate (draft-hallambaker-mesh-reference-03 section 5.9.2)', () => {
    const profile = networkProfilePrivateSchema.parse({
      Sites: ['*.corp.example'],
      DNS: [{ ServiceName: '10.0.0.53', Port: 53, Security: ['None'] }],
      Prefix: ['corp.example'],
      CTL: 'AAEC',
      WebPKI: ['MB2G-...'],
    });
    expect(profile.DNS[0]?.Port).toBe(53);
    expect(networkProfilePrivateSchema.safeParse({ CTL: 'not base64url!' }).success).toBe(false);
    expect(networkProfileEntrySchema.safeParse({ ...meta, ...profile }).success).toBe(true);
  });
});
