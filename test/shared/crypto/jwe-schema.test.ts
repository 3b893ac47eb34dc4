import { describe, expect, it } from 'vitest';
import { generalJweSchema } from '../../../shared/crypto/jwe-schema';

// A general JWE as jose produces it for two recipients (RFC 7516 section 7.2.1 layout).
const jwe = {
  protected: 'eyJlbmMiOiJBMjU2R0NNIn0',
  recipients: [
    {
      header: {
        alg: 'ECDH-ES+A256KW',
        kid: 'MAAA-BBBB',
        epk: { kty: 'OKP', crv: 'X25519', x: 'abc_-' },
      },
      encrypted_key: 'AAAA',
    },
    { header: { alg: 'ECDH-ES+A256KW', kid: 'MCCC-DDDD' }, encrypted_key: 'BBBB' },
  ],
  iv: 'oYz-h_e1uzg3wnes',
  ciphertext: 'VChTHHc',
  tag: '0pwgf1z3ioSeYuiHjq0Oqw',
};

describe('generalJweSchema', () => {
  it('accepts the general serialization and keeps recipient header members', () => {
    const parsed = generalJweSchema.parse(jwe);
    expect(parsed.recipients[0]?.header?.epk?.crv).toBe('X25519');
    expect(parsed).toEqual(jwe);
  });

  const mutations: { description: string; value: unknown; path: string }[] = [
    { description: 'no recipients', value: { ...jwe, recipients: [] }, path: 'recipients' },
    { description: 'no tag', value: { ...jwe, tag: undefined }, path: 'tag' },
    {
      description: 'padded ciphertext',
      value: { ...jwe, ciphertext: 'VChTHHc=' },
      path: 'ciphertext',
    },
    { description: 'standard base64 in the iv', value: { ...jwe, iv: 'a+b/' }, path: 'iv' },
    {
      description: 'a number for the protected header',
      value: { ...jwe, protected: 5 },
      path: 'protected',
    },
    { description: 'the compact form', value: 'a.b.c.d.e', path: '' },
  ];
  it.each(mutations)('rejects $description', ({ value, path }) => {
    const result = generalJweSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });
});
