import { describe, expect, it } from 'vitest';
import { computeWitness } from '../../shared/witness';
import { randomNonce } from '../../shared/udf';

// Known answer computed once with Python 3, independently of this code:
//   p  = b32(bytes([96]) + sha512(b'profile'))[:28]    d = b32(bytes([96]) + sha512(b'device'))[:28]
//   sn = b32(bytes([104]) + bytes([1]*16))           cn = b32(bytes([104]) + bytes([2]*16))
//   each decoded to its whole bytes (28 chars -> 17 bytes, 28 chars of a nonce -> 17 bytes), then
//   w = sha512(sha512(p + sn) + sha512(d + cn)); b32(w)[:20] in groups of four.
const input = {
  profileUdf: 'MDUC-3S6J-EDQY-6LDW-GXCK-3LYZ-NCIU',
  serverNonce: 'NAAQ-CAIB-AEAQ-CAIB-AEAQ-CAIB-AEAQ',
  deviceUdf: 'MB4Y-3CL5-BQ5H-S5M3-B5OO-XISD-VWXK',
  clientNonce: 'NABA-EAQC-AIBA-EAQC-AIBA-EAQC-AIBA',
};

describe('computeWitness', () => {
  it('gives the known 100-bit witness', () => {
    expect(computeWitness(input)).toBe('7TUM-WYL5-DNOR-3M45-ZD4E');
  });

  it('does not depend on how the UDFs are written', () => {
    expect(
      computeWitness({
        profileUdf: input.profileUdf.toLowerCase(),
        serverNonce: input.serverNonce.replaceAll('-', ''),
        deviceUdf: input.deviceUdf,
        clientNonce: input.clientNonce,
      }),
    ).toBe('7TUM-WYL5-DNOR-3M45-ZD4E');
  });

  it('changes with every input, and cannot be fed the two sides swapped', () => {
    const base = computeWitness(input);
    const variants = [
      { ...input, serverNonce: randomNonce() },
      { ...input, clientNonce: randomNonce() },
      { ...input, deviceUdf: input.profileUdf },
      { ...input, profileUdf: input.deviceUdf, deviceUdf: input.profileUdf },
    ];
    for (const variant of variants) expect(computeWitness(variant)).not.toBe(base);
  });

  it('requires nonce UDFs for the nonces', () => {
    expect(() => computeWitness({ ...input, serverNonce: input.deviceUdf })).toThrow(
      expect.objectContaining({ code: 'INVALID_UDF' }),
    );
  });
});
