import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileKeyStore } from '../../../electron/core/keystore/file-key-store';

let directory: string;
let path: string;
const homeId = randomUUID();
const passphrase = 'tr0ub4dor & 3';
beforeEach(async () => {
  directory = await fs.mkdtemp(join(tmpdir(), 'mesh-keyfile-'));
  path = join(directory, 'keystore.mesh');
});
afterEach(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

const open = (options: { passphrase?: string; homeId?: string } = {}) =>
  openFileKeyStore({
    path,
    homeId: options.homeId ?? homeId,
    passphrase: options.passphrase ?? passphrase,
  });

describe('file KeyStore', () => {
  it('uses scrypt at 2^17 by default and keeps secrets out of the file in clear', async () => {
    const store = await open();
    const secret = new Uint8Array(32).fill(0x5a);
    await store.set('device-seed', secret);
    const text = await fs.readFile(path, 'utf8');
    const file = JSON.parse(text) as { kdf: { name: string; logN: number; r: number } };
    expect(file.kdf).toMatchObject({ name: 'scrypt', logN: 17, r: 8 });
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    expect(text).not.toContain('device-seed');
    if (process.platform !== 'win32') expect((await fs.stat(path)).mode & 0o077).toBe(0);
  });

  it('opens with the right passphrase only', async () => {
    const store = await open();
    await store.set('master-seed', new Uint8Array([9, 9]));
    const again = await open();
    expect(await again.get('master-seed')).toEqual(new Uint8Array([9, 9]));
    const wrong = await open({ passphrase: 'tr0ub4dor & 4' }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'PASSPHRASE_INVALID', details: { reason: 'wrong' } });
    expect((wrong as Error).message).toContain('wrong passphrase');
    await expect(open({ passphrase: '' })).rejects.toMatchObject({
      code: 'PASSPHRASE_INVALID',
      details: { reason: 'missing' },
    });
  });

  it('treats the passphrase as Unicode text (NFC)', async () => {
    await (await open({ passphrase: 'caf\u00e9' })).set('a', new Uint8Array([1]));
    const again = await open({ passphrase: 'cafe\u0301' });
    expect(await again.get('a')).toEqual(new Uint8Array([1]));
  });

  it('detects a flipped bit in the ciphertext and an altered header', async () => {
    await (await open()).set('device-seed', new Uint8Array([1, 2, 3]));
    const original = await fs.readFile(path, 'utf8');
    const file = JSON.parse(original) as Record<string, unknown> & {
      ciphertext: string;
      kdf: { logN: number };
    };
    const bytes = Buffer.from(file.ciphertext, 'base64');
    bytes[3]! ^= 0x01;
    await fs.writeFile(path, JSON.stringify({ ...file, ciphertext: bytes.toString('base64') }));
    await expect(open()).rejects.toMatchObject({ code: 'PASSPHRASE_INVALID' });

    await fs.writeFile(path, JSON.stringify({ ...file, kdf: { ...file.kdf, logN: 16 } }));
    await expect(open()).rejects.toMatchObject({ code: 'PASSPHRASE_INVALID' });

    await fs.writeFile(path, 'garbage');
    await expect(open()).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('refuses the key file of another home, even with its header rewritten', async () => {
    await (await open()).set('device-seed', new Uint8Array([1]));
    await expect(open({ homeId: randomUUID() })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    const file = JSON.parse(await fs.readFile(path, 'utf8')) as Record<string, unknown>;
    const other = randomUUID();
    await fs.writeFile(path, JSON.stringify({ ...file, homeId: other }));
    await expect(open({ homeId: other })).rejects.toMatchObject({ code: 'PASSPHRASE_INVALID' });
  });

  it('writes a fresh IV each time', async () => {
    const store = await open();
    await store.set('a', new Uint8Array([1]));
    const first = JSON.parse(await fs.readFile(path, 'utf8')) as { iv: string };
    await store.set('a', new Uint8Array([1]));
    const second = JSON.parse(await fs.readFile(path, 'utf8')) as { iv: string };
    expect(second.iv).not.toBe(first.iv);
  });

  it('refuses a scrypt cost below 2^15', async () => {
    await expect(
      openFileKeyStore({ path, homeId, passphrase, scryptLogN: 10 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
