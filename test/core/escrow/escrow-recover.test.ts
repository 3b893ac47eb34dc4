import { describe, expect, it } from 'vitest';
import { SECRET_NAMES } from '../../../electron/core/keystore/key-store';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { connectedPair } from '../connected-pair';
import { startService, TestHomes } from '../harness';
import { serviceForSuite } from '../../support/service-suite';
import { deviceCoreOf } from '../../../electron/core/session/device-internals';

/** The share with one character changed (a typo). */
function mistype(share: string): string {
  const at = 10;
  const replacement = share[at] === 'A' ? 'B' : 'A';
  return share.slice(0, at) + replacement + share.slice(at + 1);
}

describe.runIf(keychainInSession)(`escrow and recover${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('recovers on a fresh home from any 3 of 5 shares, with administration back', async () => {
    const { admin, device } = await connectedPair(homes, service.address('nora'));
    const created = await admin.account.status();
    const escrow = await admin.escrow.makeShares({ shares: 5, threshold: 3 });
    expect(escrow.shares).toHaveLength(5);
    expect(escrow.profileUdf).toBe(created.profileUdf);
    // A device without the master seed cannot make shares.
    await expect(device.escrow.makeShares({ shares: 3, threshold: 2 })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });

    const fresh = await homes.open('recovered');
    const recovered = await fresh.escrow.recover({
      address: service.address('nora'),
      shares: [escrow.shares[4]!, escrow.shares[0]!, escrow.shares[2]!],
      deviceName: 'new laptop',
    });
    expect(recovered.profileUdf).toBe(created.profileUdf);
    expect(await deviceCoreOf(fresh).context.keyStore.list()).toEqual(
      expect.arrayContaining([SECRET_NAMES.masterSeed, SECRET_NAMES.onlineSigningSeed]),
    );
    expect(await fresh.account.status({ refresh: true })).toMatchObject({
      state: 'connected',
      role: 'administrator',
      devices: 3,
    });

    // Administration restored: the recovered device approves a new one.
    const tablet = await homes.open('after-recovery');
    const request = await tablet.connect.request({
      address: service.address('nora'),
      deviceName: 'tablet',
    });
    await fresh.connect.accept({ selector: request.witness });
    expect((await tablet.connect.complete({ waitSeconds: 5 })).state).toBe('connected');
    expect((await fresh.devices.list()).map((d) => d.name)).toEqual([
      'desktop',
      'phone',
      'new laptop',
      'tablet',
    ]);
  });

  it('fails with a clear message on too few, mistyped or foreign shares, and stays unconnected', async () => {
    const { admin } = await connectedPair(homes, service.address('otto'), {
      admin: 'otto-admin',
      device: 'otto-phone',
    });
    const { shares } = await admin.escrow.makeShares({ shares: 4, threshold: 3 });
    const other = await homes.open('other-admin');
    await other.account.create({ address: service.address('paula') });
    const foreign = await other.escrow.makeShares({ shares: 3, threshold: 2 });

    const fresh = await homes.open('failing');
    const attempt = (list: string[]) =>
      fresh.escrow
        .recover({ address: service.address('otto'), shares: list })
        .catch((e: unknown) => e);
    const tooFew = await attempt(shares.slice(0, 2));
    expect(tooFew).toMatchObject({ code: 'INVALID_SHARE' });
    expect((tooFew as Error).message).toBe('shares: 3 are needed, 2 given');

    const typo = await attempt([shares[0]!, mistype(shares[1]!), shares[2]!]);
    expect(typo).toMatchObject({ code: 'INVALID_SHARE', details: { share: 2 } });
    expect((typo as Error).message).toContain('mistyped');

    const wrongAccount = await attempt(foreign.shares.slice(0, 2));
    expect(wrongAccount).toMatchObject({ code: 'INVALID_SHARE' });
    expect((wrongAccount as Error).message).toContain("another account's shares");

    expect((await fresh.account.status()).state).toBe('unconnected');
    expect(await deviceCoreOf(fresh).context.keyStore.list()).not.toContain(
      SECRET_NAMES.masterSeed,
    );
  });
});
