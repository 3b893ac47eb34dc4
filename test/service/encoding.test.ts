/**
 * The service's fast response encodings give exactly what the checked ones give: the allow-list
 * picker (shared/protocol/allow-list.ts) against zod's own parse, and the hand-written Get page
 * (service/transactions/get.ts encodeGetPage) against encodeResponse.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { randomNonce } from '../../shared/udf';
import { allowListed } from '../../shared/protocol/allow-list';
import { encodeResponse, encodeResponseAllowListed } from '../../shared/protocol/envelope';
import { transactions } from '../../shared/protocol/transactions';
import { encodeGetPage } from '../../service/transactions/get';
import type { PublishedRow } from '../../service/storage/rows';

describe('allow-list picker', () => {
  it('keeps what zod keeps and drops what zod drops, at every depth', () => {
    const schema = z.object({
      a: z.string(),
      b: z.array(z.object({ c: z.int(), d: z.string().optional() })),
      e: z.looseObject({ f: z.string() }),
      g: z.object({ h: z.boolean() }).optional(),
      i: z.enum(['x', 'y']),
    });
    const value = {
      a: 'A',
      b: [
        { c: 1, secret: 's' },
        { c: 2, d: 'D', more: { deep: true } },
      ],
      e: { f: 'F', kept: 'loose objects keep their members' },
      g: { h: true, leak: 'no' },
      i: 'x',
      privateKey: 'never',
    };
    expect(allowListed(schema, value)).toEqual(schema.parse(value));
  });

  it('agrees with encodeResponse on a real response', () => {
    const response = {
      Status: 200,
      StatusDescription: 'OK',
      Pending: [
        {
          DeviceID: 'D',
          SignedRequest: { Identifier: 'MAAA-AAAA-AAAA-AAAA-AAAA', SignedData: 'a.b.c', extra: 1 },
          ServerNonce: 'N',
          Witness: 'W',
          PinVerified: false,
          Received: '2025-01-01T00:00:00.000Z',
          Expires: '2025-01-01T01:00:00.000Z',
          TransactionID: 7,
          internal: 'x',
        },
      ],
      Debug: 'x',
    };
    expect(JSON.parse(encodeResponseAllowListed('ConnectPending', response as never))).toEqual(
      JSON.parse(encodeResponse('ConnectPending', response as never)),
    );
  });

  it('refuses to compile a union of objects (it could not tell which member applies)', () => {
    expect(() =>
      allowListed(z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]), {}),
    ).toThrow(/unions of objects/);
  });

  it('every response and failure schema compiles', () => {
    for (const definition of Object.values(transactions)) {
      expect(() => allowListed(definition.responseSchema, {})).not.toThrow();
      expect(() => allowListed(definition.failureSchema, {})).not.toThrow();
    }
  });
});

describe('the Get page encoding', () => {
  it('is the GetResponse encodeResponse writes', () => {
    const nonce = randomNonce();
    const rows: PublishedRow[] = [
      {
        txId: 4,
        identifier: 'MBCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23',
        type: 'PersonalProfile',
        account: 'alice',
        published: Date.UTC(2025, 0, 2, 3, 4, 5, 6),
        entry: JSON.stringify({
          Identifier: 'MBCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23',
          SignedData: 'eyJ.eyJ.sig',
        }),
        latest: true,
      },
      {
        txId: 9,
        identifier: nonce,
        type: 'EscrowEntry',
        account: 'alice',
        published: Date.UTC(2025, 0, 3),
        entry: JSON.stringify({
          Identifier: nonce,
          EncryptedData: {
            recipients: [{ header: { kid: 'K "quoted"' } }],
            iv: 'i',
            ciphertext: 'c',
            tag: 't',
          },
        }),
        latest: true,
      },
    ];
    const items = rows.map((row) => ({
      Type: row.type,
      Identifier: row.identifier,
      Account: row.account,
      Published: new Date(row.published).toISOString(),
      TransactionID: row.txId,
      [row.type === 'PersonalProfile' ? 'Profile' : 'EscrowEntry']: JSON.parse(
        row.entry,
      ) as unknown,
    }));
    const expected = encodeResponse('Get', {
      Status: 200,
      StatusDescription: 'OK',
      DataItems: items,
      PageKey: 'next.page',
    } as never);
    expect(encodeGetPage(rows, 'next.page')).toBe(expected);
    expect(JSON.parse(encodeGetPage([], undefined))).toEqual({
      GetResponse: { Status: 200, StatusDescription: 'OK', DataItems: [] },
    });
  });
});
