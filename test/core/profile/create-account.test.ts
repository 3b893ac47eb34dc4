import { describe, expect, it } from 'vitest';
import { isMeshError } from '../../../shared/errors';
import { SECRET_NAMES } from '../../../electron/core/keystore/key-store';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { startProxy, startService, TestHomes } from '../harness';
import { serviceForSuite } from '../../support/service-suite';
import { deviceCoreOf } from '../../../electron/core/session/device-internals';

describe.runIf(keychainInSession)(`create an account${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('creates the master profile, registers the account and shows the fingerprints', async () => {
    const alice = await homes.open('alice');
    const steps: string[] = [];
    alice.on('progress', (event) => steps.push(event.step));
    const created = await alice.account.create({
      address: service.address('Alice'),
      deviceName: 'laptop',
    });
    expect(created.account).toBe('alice');
    expect(created.address).toBe(`alice@127.0.0.1:${service.port}`);
    expect(created.profileUdf).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){6}$/);
    expect(created.deviceUdf).not.toBe(created.profileUdf);
    expect(steps.at(-1)).toBe('Done');

    // The secrets are in the keychain, under this home's id.
    const secrets = await deviceCoreOf(alice).context.keyStore.list();
    expect(secrets).toEqual(
      expect.arrayContaining([
        SECRET_NAMES.deviceSeed,
        SECRET_NAMES.masterSeed,
        SECRET_NAMES.onlineSigningSeed,
      ]),
    );

    const status = await alice.account.status({ refresh: true });
    expect(status).toMatchObject({
      state: 'connected',
      online: true,
      role: 'administrator',
      profileUdf: created.profileUdf,
      deviceUdf: created.deviceUdf,
      devices: 1,
    });
    expect((await alice.trust.status()).checkpoint?.treeSize).toBeGreaterThan(0);
    const devices = await alice.devices.list();
    expect(devices).toEqual([
      expect.objectContaining({ udf: created.deviceUdf, name: 'laptop', thisDevice: true }),
    ]);
  });

  it('refuses a taken name (any case) and leaves no master secret behind', async () => {
    const first = await homes.open('first');
    await first.account.create({ address: service.address('bob'), deviceName: 'one' });
    const second = await homes.open('second');
    const error = await second.account
      .create({ address: service.address('BOB'), deviceName: 'two' })
      .catch((caught: unknown) => caught);
    expect(isMeshError(error, 'ALREADY_EXISTS')).toBe(true);
    expect((error as Error).message).toContain('bob is taken');
    const left = await deviceCoreOf(second).context.keyStore.list();
    expect(left).not.toContain(SECRET_NAMES.masterSeed);
    expect(left).not.toContain(SECRET_NAMES.onlineSigningSeed);
    expect((await second.account.status()).state).toBe('unconnected');
  });

  it('refuses a second account on the same home', async () => {
    const home = await homes.open('twice');
    await home.account.create({ address: service.address('carol') });
    await expect(home.account.create({ address: service.address('carol2') })).rejects.toMatchObject(
      {
        code: 'ALREADY_EXISTS',
      },
    );
  });

  it('survives a close and reopen: the binding and profile come back from the store', async () => {
    const directory = await homes.directory('reopen');
    const first = await homes.open('reopen', directory);
    const created = await first.account.create({ address: service.address('dave') });
    await first.close();
    const again = await homes.open('reopen', directory);
    const status = await again.account.status();
    expect(status).toMatchObject({ state: 'connected', profileUdf: created.profileUdf });
    expect(status.online).toBe(false);
  });

  it('resumes after the answer to CreateAccount was lost, with the same master seed', async () => {
    const proxy = await startProxy(service.url);
    try {
      let lost = 0;
      proxy.rewrite = ({ request }) => {
        if (!request.includes('"CreateRequest"')) return undefined;
        lost++;
        return 'the connection broke';
      };
      const home = await homes.open('resume');
      const first = await home.account
        .create({ address: proxy.address('erika'), deviceName: 'laptop' })
        .catch((caught: unknown) => caught);
      expect(lost).toBe(1);
      expect(first).toMatchObject({ code: 'SERVICE_ERROR' });
      expect((first as Error).message).toContain('run the same command again');
      const seed = await deviceCoreOf(home).context.keyStore.get(SECRET_NAMES.masterSeed);
      expect(seed).toBeDefined();
      expect((await home.account.status()).state).toBe('unconnected');

      proxy.rewrite = undefined;
      const created = await home.account.create({ address: proxy.address('erika') });
      expect(created.deviceName).toBe('laptop');
      expect(await deviceCoreOf(home).context.keyStore.get(SECRET_NAMES.masterSeed)).toEqual(seed);
      expect(await home.account.status({ refresh: true })).toMatchObject({
        state: 'connected',
        profileUdf: created.profileUdf,
        devices: 1,
      });
    } finally {
      await proxy.close();
    }
  });
});
