import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isMeshError } from '../../../shared/errors';
import {
  authenticationInput,
  bodyDigest,
  decodeAuthenticationSignature,
  encodeAuthenticationSignature,
  formatAuthenticationTime,
  formatAuthorization,
  isWithinAuthenticationWindow,
  parseAuthenticationTime,
  parseAuthorization,
  type AuthorizationFields,
} from '../../../shared/protocol/authentication';

const device = 'MCFA-KOPQ-2GQF-YXKV-RMFQ-EIFE-YQHN-D3';
const nonce = 'NCNB-ZNJ6-JGOQ-R4F3-4SOB-7XFO-EXBA';
const time = '2025-03-01T12:00:00.123Z';
const signature = 'A'.repeat(85) + 'g'; // 64 bytes of base64url, last char carrying 4 zero bits
const fields: AuthorizationFields = { account: 'alice', device, nonce, time, signature };

function expectInvalid(run: () => unknown, field: string): void {
  try {
    run();
  } catch (error) {
    expect(isMeshError(error, 'INVALID_MESSAGE')).toBe(true);
    expect((error as { details: { field: string } }).details.field).toBe(field);
    return;
  }
  throw new Error('expected INVALID_MESSAGE');
}

describe('authenticationInput (docs/module-contracts.md section 3)', () => {
  it('commits to base64url(SHA-256(body)) — known answer for "abc" (FIPS 180-2 B.1)', () => {
    expect(bodyDigest(new TextEncoder().encode('abc'))).toBe(
      'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
    );
  });

  it('is the exact newline-joined text', () => {
    const body = new TextEncoder().encode('{"HelloRequest":{}}');
    const text = new TextDecoder().decode(authenticationInput(fields, body));
    expect(text).toBe(`MMM-AUTH-1\nalice\n${device}\n${time}\n${nonce}\n${bodyDigest(body)}`);
  });

  it('changes with every claim and with the body', () => {
    const body = new TextEncoder().encode('x');
    const base = authenticationInput(fields, body);
    const variants = [
      authenticationInput({ ...fields, account: 'bob' }, body),
      authenticationInput({ ...fields, nonce: nonce.replace('N', 'M') }, body),
      authenticationInput({ ...fields, time: '2025-03-01T12:00:00.124Z' }, body),
      authenticationInput(fields, new TextEncoder().encode('y')),
    ];
    for (const variant of variants)
      expect(Buffer.from(variant).equals(Buffer.from(base))).toBe(false);
  });

  it('refuses a claim with a newline (no field smuggling)', () => {
    expect(() => authenticationInput({ ...fields, account: 'a\nb' }, new Uint8Array())).toThrow();
  });

  it('a signature over it verifies with node:crypto Ed25519 and fails on another body', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const body = new TextEncoder().encode('{"DownloadRequest":{}}');
    const raw = sign(null, authenticationInput(fields, body), privateKey);
    const header = formatAuthorization({
      ...fields,
      signature: encodeAuthenticationSignature(raw),
    });
    const parsed = parseAuthorization(header);
    const bytes = decodeAuthenticationSignature(parsed.signature);
    expect(verify(null, authenticationInput(parsed, body), publicKey, bytes)).toBe(true);
    expect(verify(null, authenticationInput(parsed, new Uint8Array([1])), publicKey, bytes)).toBe(
      false,
    );
  });
});

describe('formatAuthorization / parseAuthorization', () => {
  it('round-trips', () => {
    const header = formatAuthorization(fields);
    expect(header).toBe(
      `Mesh account="alice", device="${device}", time="${time}", nonce="${nonce}", signature="${signature}"`,
    );
    expect(parseAuthorization(header)).toEqual(fields);
  });

  it('accepts any parameter order, a lower-case scheme and spacing', () => {
    const header = `mesh  signature="${signature}",nonce="${nonce}" , time="${time}",device="${device}", account="alice"`;
    expect(parseAuthorization(header)).toEqual(fields);
  });

  const cases: Array<[string, string, string]> = [
    ['another scheme', `Bearer account="alice"`, 'Authorization'],
    ['no parameters', 'Mesh', 'Authorization'],
    [
      'a missing parameter',
      `Mesh account="alice", device="${device}", time="${time}", nonce="${nonce}"`,
      'signature',
    ],
    [
      'a repeated parameter',
      `Mesh account="alice", account="bob", device="${device}", time="${time}", nonce="${nonce}", signature="${signature}"`,
      'account',
    ],
    [
      'an unknown parameter',
      `Mesh realm="x", account="alice", device="${device}", time="${time}", nonce="${nonce}", signature="${signature}"`,
      'realm',
    ],
    [
      'an unquoted value',
      `Mesh account=alice, device="${device}", time="${time}", nonce="${nonce}", signature="${signature}"`,
      'Authorization',
    ],
    ['a trailing comma', `${formatAuthorization(fields)},`, 'Authorization'],
    [
      'an empty account',
      formatAuthorization(fields).replace('account="alice"', 'account=""'),
      'account',
    ],
    [
      'a device that is not a UDF',
      formatAuthorization(fields).replace(device, 'not_a_udf!'),
      'device',
    ],
    [
      'a time without milliseconds',
      formatAuthorization(fields).replace(time, '2025-03-01T12:00:00Z'),
      'time',
    ],
    [
      'a time with an offset',
      formatAuthorization(fields).replace(time, '2025-03-01T12:00:00.123+01:00'),
      'time',
    ],
    [
      'an impossible date',
      formatAuthorization(fields).replace(time, '2025-02-30T12:00:00.123Z'),
      'time',
    ],
    ['a short signature', formatAuthorization(fields).replace(signature, 'AAAA'), 'signature'],
    [
      'a padded signature',
      formatAuthorization(fields).replace(signature, `${'A'.repeat(84)}==`),
      'signature',
    ],
    ['an overlong header', `Mesh account="${'a'.repeat(3000)}"`, 'Authorization'],
  ];
  for (const [name, header, field] of cases) {
    it(`refuses ${name}, naming ${field}`, () =>
      expectInvalid(() => parseAuthorization(header), field));
  }
});

describe('authentication time', () => {
  it('formats as toISOString and parses back', () => {
    const date = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6));
    expect(formatAuthenticationTime(date)).toBe('2025-01-02T03:04:05.006Z');
    expect(parseAuthenticationTime('2025-01-02T03:04:05.006Z')).toBe(date.getTime());
  });

  it('window is ±300 s inclusive', () => {
    const now = Date.parse(time);
    expect(isWithinAuthenticationWindow(time, now + 300_000)).toBe(true);
    expect(isWithinAuthenticationWindow(time, now - 300_000)).toBe(true);
    expect(isWithinAuthenticationWindow(time, now + 300_001)).toBe(false);
    expect(isWithinAuthenticationWindow(time, now - 300_001)).toBe(false);
  });
});
