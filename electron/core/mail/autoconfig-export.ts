import { XMLBuilder } from 'fast-xml-parser';
import type { MailProfilePrivate } from '../../../shared/apps/mail-profile';
import { MeshError } from '../../../shared/errors';
import { parseEmailAddress } from './mail-catalog';
import { describeMailConnection } from './mail-connection';
import type { MailSecurity } from './mail-connection';

/**
 * Writes a mail account as a Thunderbird autoconfig document (config-v1.1.xml), e.g. for
 * `mesh mail export EMAIL`. User names are written as they are (not as placeholders), so the
 * document describes this one account; passwords only when asked for. DisplayName and
 * ReplyToAddress have no place in the format and are not written.
 */

const socketTypes: Record<MailSecurity, string> = {
  ssl: 'SSL',
  starttls: 'STARTTLS',
  plain: 'plain',
};

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  processEntities: true,
  suppressEmptyNode: true,
});

/**
 * The autoconfig XML of an account (draft-hallambaker-mesh-reference-03 section 5.8.2 to
 * Thunderbird config-v1.1).
 */
export function exportAutoconfig(
  account: MailProfilePrivate,
  options: { includePasswords?: boolean } = {},
): string {
  const { domain } = parseEmailAddress(account.EmailAddress);
  const server = (connection: (typeof account.Inbound)[number], direction: 'in' | 'out') => {
    const described = describeMailConnection(connection);
    if ((direction === 'out') !== (described.protocol === 'smtp')) {
      throw new MeshError(
        'INVALID_ARGUMENT',
        'An inbound server is SMTP or an outbound one is not.',
        {
          field: direction === 'in' ? 'Inbound' : 'Outbound',
        },
      );
    }
    return {
      '@_type': described.protocol,
      hostname: described.host,
      port: String(described.port),
      socketType: socketTypes[described.security],
      username: described.username ?? '',
      authentication:
        described.authentication.length > 0 ? described.authentication : ['password-cleartext'],
      ...(options.includePasswords && connection.Password ? { password: connection.Password } : {}),
    };
  };
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    clientConfig: {
      '@_version': '1.1',
      emailProvider: {
        '@_id': domain,
        domain: [domain],
        displayName: account.AccountName ?? account.EmailAddress,
        displayShortName: account.AccountName ?? domain,
        incomingServer: account.Inbound.map((c) => server(c, 'in')),
        outgoingServer: account.Outbound.map((c) => server(c, 'out')),
      },
    },
  };
  return builder.build(document) as string;
}
