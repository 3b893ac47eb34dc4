/**
 * A lying service cannot enroll a new device into another account (docs/device-flows.md "Connect
 * by PIN"): a proxy in front of the real service answers a device asking for one account with
 * another real account of the same service - its proven profile, its pending request, its
 * administrator's signed answer. The connection URI's fingerprint stops it before anything is
 * sent; a typed PIN stops it at the answer (PinProfileProof, shared/profiles/pin.ts). Either way
 * the device refuses with PROFILE_MISMATCH, shown on the Trust screen, and keeps nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { derivePinKeys } from '../../../shared/profiles/pin';
import { base64urlEncode } from '../../../shared/encoding/base64url';
import { emptyWrites } from '../../../service/storage/rows';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import { startProxy, startService, TestHomes, type TestProxy, type TestService } from '../harness';

type Json = Record<string, unknown>;

/** The message of a request or answer body: its one top-level member. */
function messageOf(text: string): [string, Json] {
  const parsed = JSON.parse(text) as Json;
  const name = Object.keys(parsed)[0]!;
  return [name, parsed[name] as Json];
}

describe.runIf(keychainInSession)(`a lying service and the PIN flow${keychainSkipReason}`, () => {
  let service: TestService;
  let proxy: TestProxy;
  const homes = new TestHomes();

  beforeAll(async () => {
    service = await startService();
    proxy = await startProxy(service.url);
  });
  afterEach(async () => {
    proxy.rewrite = undefined;
    proxy.rewriteRequest = undefined;
    await homes.cleanup();
  });
  afterAll(async () => {
    await proxy.close();
    await service.close();
  });

  it('refuses another account than the connection link names, before sending anything', async () => {
    const admin = await homes.open('ada-admin');
    await admin.account.create({ address: service.address('ada'), deviceName: 'desktop' });
    const mallory = await homes.open('mal-admin');
    await mallory.account.create({ address: service.address('mal'), deviceName: 'evil' });
    const issued = await admin.connect.issuePin();
    const adaUdf = (await admin.account.status()).profileUdf;
    expect(issued.uri).toContain(`?udf=${adaUdf}`);
    const viaProxy = issued.uri.replace(`:${service.port}/`, `:${proxy.port}/`);

    let sent = 0;
    proxy.onRequest = (body) => {
      if (body.includes('"ConnectStartRequest"')) sent += 1;
    };
    // The profile lookup for ada is answered with mal's (proven, in the log).
    proxy.rewriteRequest = (body) => {
      const [name, message] = messageOf(body);
      if (name !== 'GetRequest' || message.Account !== 'ada') return undefined;
      return JSON.stringify({ [name]: { ...message, Account: 'mal' } });
    };
    const phone = await homes.open('link-phone');
    const error = await phone.connect
      .request({ address: viaProxy, deviceName: 'phone' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'PROFILE_MISMATCH',
      details: { reason: 'connection-uri', expected: adaUdf },
    });
    expect(sent).toBe(0);
    expect((await phone.account.status()).state).toBe('unconnected');
    expect((await phone.trust.status()).warning).toMatchObject({
      code: 'PROFILE_MISMATCH',
      reason: 'connection-uri',
    });
    expect((await mallory.connect.pending()).pending).toEqual([]);

    // The PIN was not spent: through the honest service the same link connects.
    proxy.onRequest = undefined;
    proxy.rewriteRequest = undefined;
    const request = await phone.connect.request({ address: viaProxy, deviceName: 'phone' });
    expect(request.pinVerified).toBe(true);
    await admin.connect.accept({ selector: request.witness });
    expect((await phone.connect.complete({ waitSeconds: 5 })).state).toBe('connected');
    expect((await phone.account.status()).profileUdf).toBe(adaUdf);
  });

  it('refuses, at the answer, an account the typed PIN was not issued for, and keeps nothing', async () => {
    const admin = await homes.open('bea-admin');
    await admin.account.create({ address: service.address('bea'), deviceName: 'desktop' });
    const issued = await admin.connect.issuePin();
    const beaUdf = (await admin.account.status()).profileUdf;

    // The lying service answers for bea with an account of that name it made itself (a real
    // account on a service of its own), and registers the PIN it was given for bea there too.
    const lying = await startService();
    try {
      const mallory = await homes.open('bea-impostor');
      await mallory.account.create({ address: lying.address('bea'), deviceName: 'evil' });
      const keys = derivePinKeys(issued.pin);
      await lying.service.backend.writeBatch(async () => ({
        writes: {
          ...emptyWrites(),
          pins: [
            {
              account: 'bea',
              pinId: keys.pinId,
              key: base64urlEncode(keys.serviceKey),
              expires: Date.parse(issued.expires),
              used: false,
              failures: 0,
            },
          ],
        },
        result: undefined,
      }));
      proxy.target = lying.url;

      const phone = await homes.open('pin-phone');
      const request = await phone.connect.request({
        address: proxy.address('bea'),
        deviceName: 'phone',
        pin: issued.pin,
      });
      // The lie holds this far: the PIN "verified", the request made to the impostor's profile.
      const impostorUdf = (await mallory.account.status()).profileUdf;
      expect(impostorUdf).not.toBe(beaUdf);
      expect(request).toMatchObject({ pinVerified: true, profileUdf: impostorUdf });
      const [pending] = (await mallory.connect.pending()).pending;
      expect(pending?.deviceName).toBe('phone');
      await mallory.connect.accept({ selector: pending!.witness });

      const error = await phone.connect
        .complete({ waitSeconds: 5 })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'PROFILE_MISMATCH', details: { reason: 'pin' } });
      const status = await phone.account.status();
      expect(status).toMatchObject({ state: 'unconnected', profileUdf: null, address: null });
      expect((await phone.trust.status()).warning).toMatchObject({
        code: 'PROFILE_MISMATCH',
        reason: 'pin',
      });
      await expect(phone.connect.complete()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    } finally {
      proxy.target = service.url;
      await homes.cleanup();
      await lying.close();
    }
  });
});
