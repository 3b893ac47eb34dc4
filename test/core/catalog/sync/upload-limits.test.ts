import { describe, expect, it } from 'vitest';
import { keychainInSession, keychainSkipReason } from '../../keystore/keychain-session';
import { createAdministrator, startService, TestHomes } from './harness';
import { serviceForSuite } from '../../../support/service-suite';
import { deviceCoreOf } from '../../../../electron/core/session/device-internals';

/**
 * Entries too large for one Upload (electron/core/catalog/sync/upload-limits.ts,
 * upload-container.ts; docs/catalogs-and-sync.md "Entry size"): over a real service whose body
 * limit is 100 KB.
 */
describe.runIf(keychainInSession)(`upload limits${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(
    () => startService({ limits: { maxRequestBytes: 100_000 } }),
    homes,
    (started) => started.setOffline(false),
  );

  it('refuses an entry too large for one upload when it is made, and one refused by the service never blocks the rest', async () => {
    const admin = await createAdministrator(homes, service, 'ann');
    await admin.apps.sync(); // learns the limit from Hello
    const passwords = await admin.apps.passwords();

    // 95,000 characters of notes cannot fit a 100 KB request: refused at once, nothing queued.
    const huge = passwords.add({
      Sites: ['huge.example'],
      Username: 'a',
      Notes: 'n'.repeat(95_000),
    });
    await expect(huge).rejects.toMatchObject({
      code: 'TOO_LARGE',
      details: { field: 'Notes', limit: expect.any(Number), size: expect.any(Number) },
    });
    const error: unknown = await huge.catch((caught: unknown) => caught);
    const details = (error as { details: { limit: number; size: number } }).details;
    expect(details.size).toBeGreaterThan(details.limit);
    expect(passwords.pending).toBe(0);

    // An entry that fits is queued offline; then the service's limit is lowered to 20 KB.
    service.setOffline(true);
    const big = await passwords.add({
      Sites: ['big.example'],
      Username: 'a',
      Notes: 'b'.repeat(30_000),
    });
    const small = await passwords.add({ Sites: ['small.example'], Username: 'a', Password: 's' });
    await service.restart({ maxRequestBytes: 20_000 });
    service.setOffline(false);

    const first = await admin.apps.sync();
    expect(first.uploaded).toBe(1); // the small entry, queued behind the refused one
    expect(first.failed).toEqual([{ type: 'password', identifier: big.Identifier }]);
    expect(first.catalogs.find((item) => item.type === 'password')?.failed).toEqual([
      big.Identifier,
    ]);
    expect(passwords.entry(big.Identifier)?.Notes).toHaveLength(30_000); // kept on this device

    // Later adds, deletes and syncs go through; the failed entry is still reported.
    const later = await passwords.add({ Sites: ['later.example'], Username: 'a', Password: 'l' });
    await passwords.delete([small.Identifier]);
    const second = await admin.apps.sync();
    expect(second.uploaded).toBe(2);
    expect(second.failed).toEqual([{ type: 'password', identifier: big.Identifier }]);

    // The device learned the lower limit: the same entry is now refused when it is made.
    await expect(
      passwords.add({ Sites: ['again.example'], Username: 'a', Notes: 'b'.repeat(30_000) }),
    ).rejects.toMatchObject({ code: 'TOO_LARGE', details: { field: 'Notes' } });

    // The service holds what went through: the small entry, the later one and the deletion.
    const client = await deviceCoreOf(admin.device).context.accountClient();
    const status = await client.call('Status', {
      Account: deviceCoreOf(admin.device).context.requireAccount().account,
    });
    const container = second.catalogs.find((item) => item.type === 'password')?.container;
    const head = status.ContainerStatus?.find((item) => item.Container === container);
    expect(head?.Index).toBe(3);
    expect(passwords.entry(later.Identifier)).toBeDefined();

    // The set-aside entry stays set aside after a restart (kept in the local store): even with
    // the service's limit raised again it is not sent, and it is still reported.
    await homes.close(admin);
    await service.restart({ maxRequestBytes: 100_000 });
    const reopened = await homes.open('admin', admin.directory);
    const third = await reopened.apps.sync();
    expect(third.uploaded).toBe(0);
    expect(third.failed).toEqual([{ type: 'password', identifier: big.Identifier }]);
    expect((await reopened.apps.passwords()).entry(big.Identifier)?.Notes).toHaveLength(30_000);
  });
});
