import { describe, expect, it } from 'vitest';
import type { CatalogApplication } from '../../../electron/core/catalog/application-entry';
import {
  keyIdOf,
  newCatalogKey,
  unwrapCatalogKey,
  wrapCatalogKey,
} from '../../../electron/core/catalog/application-key';
import { deriveKeyPair, generateSeed } from '../../../electron/core/crypto/keys';

const deviceKey = () => deriveKeyPair(generateSeed(), 'mesh/device/encrypt', 'X25519');

async function applicationFor(
  recipients: ReturnType<typeof deviceKey>[],
): Promise<{ application: CatalogApplication; key: ReturnType<typeof newCatalogKey> }> {
  const key = newCatalogKey('mail', 'MAIL-APPLICATION');
  const application: CatalogApplication = {
    Identifier: key.application,
    Type: 'mail',
    SignID: [],
    DecryptID: [],
    Container: key.container,
    KeyID: key.keyId,
    EncryptedKey: await wrapCatalogKey(
      key,
      recipients.map((pair) => pair.publicJwk),
    ),
  };
  return { application, key };
}

describe('application keys', () => {
  it('are fresh 256-bit keys with their own container, named by a fingerprint', () => {
    const a = newCatalogKey('password', 'x');
    const b = newCatalogKey('password', 'x');
    expect(a.key).toHaveLength(32);
    expect(a.container).toMatch(/^mmm_Password_[A-Z2-7]{16}$/);
    expect(a.container).not.toBe(b.container);
    expect(a.keyId).toBe(keyIdOf(a.key));
    expect(a.keyId).not.toBe(b.keyId);
  });

  it('unwrap for each recipient device, and not for others', async () => {
    const phone = deviceKey();
    const laptop = deviceKey();
    const { application, key } = await applicationFor([phone, laptop]);
    for (const device of [phone, laptop]) {
      const unwrapped = await unwrapCatalogKey(application, device);
      expect(unwrapped).toMatchObject({ type: 'mail', container: key.container, keyId: key.keyId });
      expect(Buffer.from(unwrapped.key).equals(Buffer.from(key.key))).toBe(true);
    }
    await expect(unwrapCatalogKey(application, deviceKey())).rejects.toMatchObject({
      code: 'NOT_A_RECIPIENT',
      details: { type: 'mail' },
    });
  });

  it('refuse a wrap moved to another application entry', async () => {
    const phone = deviceKey();
    const { application } = await applicationFor([phone]);
    const other = newCatalogKey('mail', 'MAIL-APPLICATION');
    for (const moved of [
      { ...application, Container: other.container },
      { ...application, KeyID: other.keyId },
      { ...application, Identifier: 'ANOTHER' },
    ]) {
      await expect(unwrapCatalogKey(moved, phone)).rejects.toMatchObject({
        code: 'UNTRUSTED_PROFILE',
        details: { field: 'EncryptedKey', type: 'mail' },
      });
    }
  });
});
