import { describe, expect, it } from 'vitest';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import {
  connectDevice,
  createAdministrator,
  startService,
  TestHomes,
} from '../catalog/sync/harness';
import { serviceForSuite } from '../../support/service-suite';

/**
 * Undo a delete (PasswordApplication.undelete, docs/catalogs-and-sync.md "Undo a delete"): the
 * entry is deleted at once everywhere, and the undo brings it back on every device with its
 * history, whether the other device saw the deletion first or not.
 */
describe.runIf(keychainInSession)(`undo a delete across devices${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('brings a deleted entry back on both devices with the same history', async () => {
    const admin = await createAdministrator(homes, service, 'una');
    const laptop = await connectDevice(homes, admin, 'laptop');
    const passwords = await admin.apps.passwords();
    const added = await passwords.add({
      Sites: ['bank.example'],
      Username: 'una',
      Password: 'first',
      Folder: 'Money',
      Fields: [{ Name: 'PIN', Value: '0000', Hidden: true }],
    });
    const edited = await passwords.update(added.Identifier, { Password: 'second' });
    await admin.apps.sync();
    const other = await laptop.apps.passwords();
    await laptop.apps.sync();
    expect(other.entry(added.Identifier)?.Password).toBe('second');

    // Deleted at once; the laptop sees the deletion.
    await passwords.delete([added.Identifier]);
    expect(passwords.entry(added.Identifier)).toBeUndefined();
    await admin.apps.sync();
    await laptop.apps.sync();
    expect(other.entry(added.Identifier)).toBeUndefined();

    // Undone: back with its content and every earlier version, later than the deletion.
    const back = await passwords.undelete(added.Identifier);
    expect(back.Password).toBe('second');
    expect(back.Fields).toEqual([{ Name: 'PIN', Value: '0000', Hidden: true }]);
    expect(back.History.map((version) => version.Updated)).toEqual([edited.Updated, added.Updated]);
    await admin.apps.sync();
    await laptop.apps.sync();
    expect(other.entry(added.Identifier)).toEqual(passwords.entry(added.Identifier));

    // Once undone, a second undo has nothing to do.
    await expect(passwords.undelete(added.Identifier)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    // A device that never saw the deletion (it synced only after the undo) reads the same.
    const late = await connectDevice(homes, admin, 'late');
    await late.apps.sync();
    expect((await late.apps.passwords()).entry(added.Identifier)).toEqual(
      passwords.entry(added.Identifier),
    );
  });

  it('refuses to undo what this device did not delete', async () => {
    const admin = await createAdministrator(homes, service, 'ulla');
    const passwords = await admin.apps.passwords();
    await expect(passwords.undelete('no-such-entry')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'id' },
    });
  });
});
