import { describe, expect, it } from 'vitest';
import type { CatalogConflict } from '../../../../electron/core/catalog/catalog-replica';
import { findCatalogApplication } from '../../../../electron/core/catalog/application-entry';
import { listCatalogKeys } from '../../../../electron/core/catalog/application-key';
import { openEntry } from '../../../../electron/core/catalog/entry-sealing';
import { decryptWith } from '../../../../electron/core/crypto/jwe';
import { keychainInSession, keychainSkipReason } from '../../keystore/keychain-session';
import {
  connectDevice,
  createAdministrator,
  startService,
  TestHomes,
  type TestDevice,
} from './harness';
import { serviceForSuite } from '../../../support/service-suite';
import { deviceCoreOf } from '../../../../electron/core/session/device-internals';

/** The payloads of a container as the service holds them, read by `device`. */
async function containerPayloads(device: TestDevice, container: string): Promise<string[]> {
  const client = await deviceCoreOf(device.device).context.accountClient();
  const account = deviceCoreOf(device.device).context.requireAccount().account;
  const answer = await client.call('Download', {
    Account: account,
    Select: [{ Container: container, IndexMin: 1 }],
  });
  return answer.Updates[0]!.Entries.map((entry) => entry.Payload);
}

describe.runIf(keychainInSession)(`sync flows${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(
    () => startService(),
    homes,
    (started) => started.setOffline(false),
  );

  it('queues edits made offline, keeps them across a restart, and uploads them on reconnect', async () => {
    const admin = await createAdministrator(homes, service, 'bob');
    const laptop = await connectDevice(homes, admin, 'laptop');
    await admin.apps.sync(); // creates the applications and shares them with the laptop
    await laptop.apps.sync();

    service.setOffline(true);
    const passwords = await laptop.apps.passwords();
    const added = await passwords.add({
      Sites: ['offline.example'],
      Username: 'bob',
      Password: 'written-on-a-plane',
    });
    await passwords.update(added.Identifier, { Password: 'changed-on-the-plane' });
    await expect(laptop.apps.sync()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(passwords.pending).toBe(1);

    // The queue lives in the local store: close the home and open it again.
    await homes.close(laptop);
    const reopened = await homes.open('laptop', laptop.directory);
    expect((await reopened.apps.passwords()).pending).toBe(1);
    service.setOffline(false);
    const report = await reopened.apps.sync();
    expect(report.uploaded).toBe(2); // both versions, so the other devices keep the first in History
    expect((await reopened.apps.passwords()).pending).toBe(0);

    await admin.apps.sync();
    const [match] = (await admin.apps.passwords()).find('offline.example');
    expect(match?.entry.Password).toBe('changed-on-the-plane');
    expect(match?.entry.History.map((version) => version.Password)).toEqual(['written-on-a-plane']);
  });

  it('two syncs asked for at once run one after the other and upload each version once', async () => {
    const admin = await createAdministrator(homes, service, 'kim');
    const passwords = await admin.apps.passwords();
    for (const site of ['a.example', 'b.example', 'c.example']) {
      await passwords.add({ Sites: [site], Username: 'k', Password: site });
    }
    const states: string[] = [];
    admin.apps.on('sync-state', (event) => states.push(event.state));
    const [first, second] = await Promise.all([admin.apps.sync(), admin.apps.sync()]);
    expect(states).toEqual(['syncing', 'synced', 'syncing', 'synced']);
    expect([first.uploaded, second.uploaded]).toEqual([3, 0]);
    const catalog = second.catalogs.find((item) => item.type === 'password');
    expect(catalog).toMatchObject({ index: 3, entries: 3, pending: 0 });
  });

  it('concurrent edits of one entry on two devices keep both versions: the newer wins, the older is in History', async () => {
    const admin = await createAdministrator(homes, service, 'carol');
    // The phone's clock runs a minute ahead, so its edit is the later one.
    const phone = await connectDevice(homes, admin, 'phone', () => Date.now() + 60_000);
    const adminPasswords = await admin.apps.passwords();
    const entry = await adminPasswords.add({
      Sites: ['shared.example'],
      Username: 'carol',
      Password: 'original',
    });
    await admin.apps.sync();
    await phone.apps.sync();
    const phonePasswords = await phone.apps.passwords();

    // Both edit before either syncs; the phone's edit is the later one.
    await adminPasswords.update(entry.Identifier, { Password: 'from-the-desktop' });
    await phonePasswords.update(entry.Identifier, { Password: 'from-the-phone' });

    await admin.apps.sync(); // the desktop uploads first
    const conflicts: CatalogConflict[] = [];
    phone.apps.on('sync-conflict', (conflict) => conflicts.push(conflict));
    const report = await phone.apps.sync(); // Conflict: download, merge, upload again
    expect(report.conflicts).toEqual([
      { type: 'password', identifier: entry.Identifier, kept: 'local' },
    ]);
    expect(conflicts).toEqual(report.conflicts);
    await admin.apps.sync();

    for (const passwords of [adminPasswords, phonePasswords]) {
      const current = passwords.entry(entry.Identifier)!;
      expect(current.Password).toBe('from-the-phone');
      expect(current.History.map((version) => version.Password).sort()).toEqual([
        'from-the-desktop',
        'original',
      ]);
    }
    expect(adminPasswords.entry(entry.Identifier)).toEqual(phonePasswords.entry(entry.Identifier));
  });

  it('a deletion reaches the other device; an edit made after it brings the entry back', async () => {
    const admin = await createAdministrator(homes, service, 'dave');
    const phone = await connectDevice(homes, admin, 'phone', () => Date.now() + 60_000);
    const adminPasswords = await admin.apps.passwords();
    const gone = await adminPasswords.add({
      Sites: ['gone.example'],
      Username: 'd',
      Password: 'x',
    });
    const kept = await adminPasswords.add({
      Sites: ['kept.example'],
      Username: 'd',
      Password: 'y',
    });
    await admin.apps.sync();
    await phone.apps.sync();
    const phonePasswords = await phone.apps.passwords();
    expect(phonePasswords.size).toBe(2);

    await adminPasswords.deleteBySite('gone.example');
    await adminPasswords.deleteBySite('kept.example');
    await phonePasswords.update(kept.Identifier, { Password: 'edited after the deletion' });
    await admin.apps.sync();
    await phone.apps.sync();
    await admin.apps.sync();
    for (const passwords of [adminPasswords, phonePasswords]) {
      expect(passwords.entry(gone.Identifier)).toBeUndefined();
      expect(passwords.entry(kept.Identifier)?.Password).toBe('edited after the deletion');
    }
  });

  it('entries written before a device joins reach it, and so do the password settings', async () => {
    const admin = await createAdministrator(homes, service, 'hana');
    const adminPasswords = await admin.apps.passwords();
    await adminPasswords.add({
      Sites: ['early.example'],
      Username: 'h',
      Password: 'before-joining',
    });
    await adminPasswords.neverAsk('*.ads.example');
    await adminPasswords.autoGenerate(true);
    await admin.apps.sync();

    const tablet = await connectDevice(homes, admin, 'tablet'); // the hook wraps the keys for it
    const report = await tablet.apps.sync();
    expect(report.downloaded).toBe(3);
    const tabletPasswords = await tablet.apps.passwords();
    expect(tabletPasswords.find('early.example')[0]?.entry.Password).toBe('before-joining');
    expect(tabletPasswords.settings()).toEqual({ AutoGenerate: true, NeverAsk: ['*.ads.example'] });
    expect(tabletPasswords.mayAskToStore('https://track.ads.example/login')).toBe(false);
    expect(tabletPasswords.mayAskToStore('https://early.example/')).toBe(true);

    await tabletPasswords.askAgain('*.ads.example');
    await tablet.apps.sync();
    await admin.apps.sync();
    expect(adminPasswords.settings()).toEqual({ AutoGenerate: true, NeverAsk: [] });
  });

  it('recovery from escrow shares gets the catalogs back: the keys are wrapped for the master escrow key too', async () => {
    const admin = await createAdministrator(homes, service, 'ivan');
    await (
      await admin.apps.passwords()
    ).add({
      Sites: ['kept-safe.example'],
      Username: 'ivan',
      Password: 'survives-the-lost-laptop',
    });
    await admin.apps.sync();
    const escrow = await admin.device.escrow.makeShares({ shares: 3, threshold: 2 });
    await homes.close(admin); // the laptop is lost

    const fresh = await homes.open('recovered');
    await fresh.device.escrow.recover({
      address: service.address('ivan'),
      shares: escrow.shares.slice(1),
    });
    const report = await fresh.apps.sync();
    expect(report.shared).toEqual(['password', 'mail', 'network']); // now wrapped for this device
    const passwords = await fresh.apps.passwords();
    expect(passwords.find('kept-safe.example')[0]?.entry.Password).toBe('survives-the-lost-laptop');
  });

  it('a removed device cannot read entries written after its removal', async () => {
    const admin = await createAdministrator(homes, service, 'erin');
    const phone = await connectDevice(homes, admin, 'phone');
    const tablet = await connectDevice(homes, admin, 'tablet');
    const adminPasswords = await admin.apps.passwords();
    const before = await adminPasswords.add({
      Sites: ['before.example'],
      Username: 'e',
      Password: 'old',
    });
    await admin.apps.sync();
    await phone.apps.sync();
    await tablet.apps.sync();
    expect((await phone.apps.passwords()).size).toBe(1);
    // The tablet edits while the removal happens elsewhere; its edit is queued.
    const tabletPasswords = await tablet.apps.passwords();
    await tabletPasswords.update(before.Identifier, { Notes: 'written on the tablet' });
    const phoneUdf = deviceCoreOf(phone.device).context.requireAccount().deviceUdf;
    const oldContainer = findCatalogApplication(
      await deviceCoreOf(admin.device).context.personalProfile(),
      'password',
    )!.Container;

    await admin.device.devices.remove({ udf: phoneUdf }); // the hook syncs and rotates the keys
    const profile = await deviceCoreOf(admin.device).context.personalProfile();
    const application = findCatalogApplication(profile, 'password')!;
    expect(application.Container).not.toBe(oldContainer);
    expect(application.DecryptID).not.toContain(phoneUdf);
    await adminPasswords.add({ Sites: ['after.example'], Username: 'e', Password: 'new-secret' });
    await admin.apps.sync();
    expect(adminPasswords.size).toBe(2);

    // The tablet finds the new container, takes the new key, and uploads its edit there.
    const moved = await tablet.apps.sync();
    expect(moved.profileRefreshed).toBe(true);
    expect(moved.catalogs.find((item) => item.type === 'password')?.container).toBe(
      application.Container,
    );
    expect(tabletPasswords.find('after.example')[0]?.entry.Password).toBe('new-secret');
    await admin.apps.sync();
    expect(adminPasswords.entry(before.Identifier)?.Notes).toBe('written on the tablet');
    expect(
      listCatalogKeys(deviceCoreOf(tablet.device).context.store).map((key) => key.container),
    ).toEqual(expect.arrayContaining([application.Container]));
    expect(deviceCoreOf(tablet.device).context.store.getEntries(oldContainer)).toEqual([]);

    // The phone can no longer talk to the service...
    await expect(phone.apps.sync()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'device-refused' },
    });
    // ...and with everything it holds it cannot read what was written since, even when the
    // ciphertexts reach it some other way.
    const phoneKeys = await deviceCoreOf(phone.device).context.deviceKeys();
    await expect(decryptWith(application.EncryptedKey, phoneKeys!.encrypt)).rejects.toMatchObject({
      code: 'NOT_A_RECIPIENT',
    });
    const payloads = await containerPayloads(admin, application.Container);
    expect(payloads.length).toBe(3); // the re-encrypted entry, the new one, the tablet's edit
    const held = listCatalogKeys(deviceCoreOf(phone.device).context.store);
    expect(held.length).toBeGreaterThan(0);
    for (const key of held) {
      for (const payload of payloads) {
        expect(() => openEntry(key, payload)).toThrow(
          expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
        );
      }
    }
  });
});
