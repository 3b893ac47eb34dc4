import { compactDecrypt, CompactEncrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { newCatalogKey } from '../../../electron/core/catalog/application-key';
import { openEntry, sealEntry } from '../../../electron/core/catalog/entry-sealing';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('sealed catalog entries (RFC 7516 compact, dir + A256GCM)', () => {
  const key = newCatalogKey('password', 'application-1');

  it('round-trips, with a fresh IV each time', () => {
    const a = sealEntry(key, bytes('{"Entry":{}}'));
    const b = sealEntry(key, bytes('{"Entry":{}}'));
    expect(a).not.toBe(b);
    expect(text(openEntry(key, a))).toBe('{"Entry":{}}');
    const [header, encryptedKey] = a.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
    });
    expect(encryptedKey).toBe('');
  });

  it('is standard JWE: jose opens what it seals, and it opens what jose seals', async () => {
    const sealed = sealEntry(key, bytes('secret record'));
    const { plaintext } = await compactDecrypt(sealed, key.key);
    expect(text(plaintext)).toBe('secret record');
    const byJose = await new CompactEncrypt(bytes('from jose'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(key.key);
    expect(text(openEntry(key, byJose))).toBe('from jose');
  });

  it('refuses altered bytes, another key and other forms, without echoing the content', () => {
    const sealed = sealEntry(key, bytes('password: hunter2'));
    const parts = sealed.split('.');
    const flip = (part: string): string => (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
    for (const at of [2, 3, 4]) {
      const altered = parts.map((part, i) => (i === at ? flip(part) : part)).join('.');
      expect(() => openEntry(key, altered)).toThrow(
        expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
      );
    }
    // The header is the associated data: the same fields in another order are refused too.
    const header = Buffer.from(JSON.stringify({ enc: 'A256GCM', alg: 'dir' })).toString(
      'base64url',
    );
    expect(() => openEntry(key, [header, ...parts.slice(1)].join('.'))).toThrow(
      expect.objectContaining({
        code: 'DECRYPTION_FAILED',
        details: { reason: 'undecryptable', type: 'password' },
      }),
    );
    const other = newCatalogKey('password', 'application-1');
    expect(() => openEntry(other, sealed)).toThrow(
      expect.objectContaining({
        code: 'DECRYPTION_FAILED',
        details: { reason: 'undecryptable', type: 'password' },
      }),
    );
    for (const malformed of ['', 'a.b.c', `${parts[0]}.x.${parts.slice(2).join('.')}`]) {
      expect(() => openEntry(key, malformed)).toThrow(
        expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
      );
    }
    try {
      openEntry(other, sealed);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });
});
