import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeInterop, interopVectors } from '../../support/interop-data';
import { isUsableTotp, parseTotp, totpCode, totpUri } from '../../../electron/core/passwords/totp';

// RFC 6238 Appendix B: the seeds are the ASCII strings below (20, 32 and 64 bytes), T0 = 0,
// X = 30 s, 8 digits.
const seeds = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

const appendixB: [number, string, string, string][] = [
  // time (s), SHA1, SHA256, SHA512
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

/** RFC 4648 base32 of bytes, written out here so the test does not lean on the library. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** RFC 6238 section 4 / RFC 4226 section 5.3 with node:crypto, as a cross-check. */
function referenceTotp(
  secret: Uint8Array,
  algorithm: string,
  seconds: number,
  digits: number,
): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = createHmac(algorithm, secret).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

describe('TOTP (RFC 6238)', () => {
  it('encodes the SHA-1 seed as the well-known base32 text', () => {
    expect(base32(new TextEncoder().encode(seeds.SHA1))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  describe.each(['SHA1', 'SHA256', 'SHA512'] as const)('Appendix B, %s', (algorithm) => {
    const seed = new TextEncoder().encode(seeds[algorithm]);
    const column = { SHA1: 1, SHA256: 2, SHA512: 3 }[algorithm];
    const uri = `otpauth://totp/RFC6238:test?secret=${base32(seed)}&algorithm=${algorithm}&digits=8&period=30&issuer=RFC6238`;

    it.each(appendixB)('at %i s', (seconds, ...codes) => {
      const expected = codes[column - 1];
      const at = new Date(seconds * 1000);
      expect(totpCode(uri, at).code).toBe(expected);
      expect(
        totpCode({ secretBase32: base32(seed), algorithm, digits: 8, period: 30 }, at).code,
      ).toBe(expected);
      expect(referenceTotp(seed, algorithm.toLowerCase().replace('sha', 'sha'), seconds, 8)).toBe(
        expected,
      );
    });
  });

  it('reads a bare base32 secret with the defaults, ignoring spaces, dashes, case and padding', () => {
    const parameters = parseTotp(' jbsw y3dp-ehpk 3pxp== ');
    expect(parameters).toEqual({
      secretBase32: 'JBSWY3DPEHPK3PXP',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    const at = new Date(1_700_000_000_000);
    const seed = Buffer.from('48656c6c6f21deadbeef', 'hex'); // JBSWY3DPEHPK3PXP
    expect(totpCode('JBSWY3DPEHPK3PXP', at).code).toBe(
      referenceTotp(seed, 'sha1', 1_700_000_000, 6),
    );
  });

  it('says how long the code stays valid', () => {
    const code = totpCode('JBSWY3DPEHPK3PXP', new Date(1_700_000_020_000));
    // 1,700,000,010 s starts a 30 s step, so 1,700,000,020 s is 10 s into it.
    expect(code.remainingSeconds).toBe(20);
    expect(code.period).toBe(30);
  });

  it('reads period and digits from a key URI', () => {
    const p = parseTotp(
      'otpauth://totp/Corp:bob?secret=JBSWY3DPEHPK3PXP&issuer=Corp&algorithm=SHA256&digits=8&period=60',
    );
    expect(p).toMatchObject({
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      issuer: 'Corp',
      label: 'bob',
    });
    expect(parseTotp(totpUri(p))).toEqual(p);
  });

  it.each([
    ['', 'not base32'],
    ['not base32!', 'not base32'],
    ['otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1', 'time-based'],
    ['steam://ABCD123', 'not base32'],
    ['ftp://JBSWY3DPEHPK3PXP', 'not supported'],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=4', 'digits'],
  ])('refuses %j without echoing it', (text, why) => {
    expect(isUsableTotp(text)).toBe(false);
    try {
      parseTotp(text);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain(why);
      if (text.length > 8) expect((error as Error).message).not.toContain(text);
    }
  });
});

describe('Steam Guard codes (steam://, as Bitwarden exports them)', () => {
  // Known answers from an independent Python implementation (hmac, struct, base64): RFC 4226
  // §5.3 truncation of HMAC-SHA-1 over the 30 s step, then 5 characters in base 26.
  it.each([
    ['steam://JBSWY3DPEHPK3PXP', 59, '2YXGV'],
    ['steam://JBSWY3DPEHPK3PXP', 1111111109, 'CWDGV'],
    [`steam://${base32(new TextEncoder().encode(seeds.SHA1))}`, 59, 'PV9M4'],
  ])('%s at %i s gives %s', (secret, seconds, code) => {
    expect(totpCode(secret, new Date(seconds * 1000))).toMatchObject({
      code,
      digits: 5,
      period: 30,
      algorithm: 'SHA1',
    });
    expect(parseTotp(secret).encoding).toBe('steam');
    expect(totpUri(parseTotp(secret))).toBe(secret);
  });
});

describeInterop('RFC 6238 Appendix B from vectors/vectors.json', () => {
  const { totp } = interopVectors();
  it('holds the whole table', () => {
    expect(totp.table).toHaveLength(18);
  });
  it.each(totp.table)('%i s, %s gives %s', (seconds, algorithm, code) => {
    const secret = base32(new TextEncoder().encode(totp.seeds[algorithm]));
    const uri = `otpauth://totp/RFC6238?secret=${secret}&algorithm=${algorithm}&digits=8&period=30`;
    expect(totpCode(uri, new Date(seconds * 1000)).code).toBe(code);
  });
});
