import { describe, expect, it } from 'vitest';
import { canonicalIdentifier, identifierLookup } from '../../service/identifiers';
import { randomNonce, udfFromData, uncompressedUdf } from '../../shared/udf';

const data = (i: number) => new TextEncoder().encode(`profile ${i}`);

describe('identifiers: the canonical fast path gives what parsing gives', () => {
  it('a 140-bit fingerprint in stored form is itself, exactly', () => {
    for (let i = 0; i < 50; i++) {
      for (const algorithm of ['sha2-512', 'sha3-512'] as const) {
        // Stored under the uncompressed type byte (the same text unless the digest compresses).
        const udf = uncompressedUdf(udfFromData(data(i), 'application/json', { algorithm }));
        expect(canonicalIdentifier(udf)).toBe(udf);
        expect(identifierLookup(udf)).toEqual({ exact: udf });
        // The same identifier in other presentations goes through the parser to the same form.
        const other = udf.toLowerCase().replace(/-/g, '');
        expect(canonicalIdentifier(other)).toBe(udf);
        expect(identifierLookup(other)).toEqual({ exact: udf });
        const longer = udfFromData(data(i), 'application/json', { algorithm, bits: 200 });
        expect(identifierLookup(longer)).toEqual({ exact: udf });
      }
    }
  });

  it('text shaped like a fingerprint but of another type, or not Base32, is parsed', () => {
    // A nonce grouped like a fingerprint: matched in full, never cut to 140 bits.
    const nonce = randomNonce();
    expect(canonicalIdentifier(nonce)).toBe(nonce);
    const notBase32 = 'MAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAA1';
    expect(() => identifierLookup(notBase32, 'GetRequest.Identifier')).toThrow(/GetRequest/);
    // A type byte no UDF has (first characters 'Z7'): refused, as the parser refuses it.
    const unknownType = 'Z7AA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA';
    expect(() => canonicalIdentifier(unknownType, 'Identifier')).toThrow();
  });
});

describe('identifiers: compressed fingerprints (draft-hallambaker-mesh-udf-13 §5.1.3)', () => {
  it('are stored and looked up under the uncompressed type byte', () => {
    const compressed = 'MGHB-JWIZ-J3LA-EEWD-GCT3-WX6H-C5W2';
    const uncompressed = 'MCHB-JWIZ-J3LA-EEWD-GCT3-WX6H-C5W2';
    expect(canonicalIdentifier(compressed)).toBe(uncompressed);
    expect(identifierLookup(compressed)).toEqual({ exact: uncompressed });
    expect(identifierLookup('mghbjwizj3laeewdgct3')).toEqual({
      prefix: 'MCHB-JWIZ-J3LA-EEWD-GCT3-',
    });
    expect(canonicalIdentifier('KEJI-Y225-BDUG-XX22-MXKE-5ITF-YVYM')).toBe(
      'KAJI-Y225-BDUG-XX22-MXKE-5ITF-YVYM',
    );
  });
});
