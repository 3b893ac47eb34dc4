import { describe, expect, it } from 'vitest';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { createAdministrator, startService, TestHomes } from '../catalog/sync/harness';
import { serviceForSuite } from '../../support/service-suite';

/**
 * `account.syncState` (docs/core-api.md): the state the device last announced, with the queue as
 * it stands now, so a change made since the last sync is counted before the next one runs.
 */
describe.runIf(keychainInSession)(`account.syncState${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('counts a change queued since the last sync, and none once it is uploaded', async () => {
    const admin = await createAdministrator(homes, service, 'sasha');
    await admin.device.account.sync({});
    expect((await admin.device.account.syncState()).pending).toBe(0);

    await admin.device.passwords.add({ sites: ['mail.example'], username: 'sasha' });
    await admin.device.passwords.add({ sites: ['bank.example'], username: 'sasha', password: 'x' });
    expect((await admin.device.account.syncState()).pending).toBe(2);

    await admin.device.account.sync({});
    expect(await admin.device.account.syncState()).toMatchObject({ state: 'idle', pending: 0 });
  });
});
