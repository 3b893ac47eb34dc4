/**
 * Nothing received is used before it is verified (docs/architecture.md section 7): a thin proxy in
 * front of the real service forges profiles, connection results, pending requests and checkpoints,
 * rolls a profile back, or forks the log; every flow stops with a visible MeshError and keeps
 * nothing forged.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode } from '../../../shared/encoding/base64url';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { randomNonce } from '../../../shared/udf';
import { computeWitness } from '../../../shared/witness';
import { deriveKeyPair, generateSeed } from '../../../electron/core/crypto/keys';
import { signJson } from '../../../electron/core/crypto/sign';
import { keychainInSession, keychainSkipReason } from '../keystore/keychain-session';
import {
  startProxy,
  startService,
  TestHomes,
  type Rewrite,
  type TestProxy,
  type TestService,
} from '../harness';
import { listPendingConnections } from '../../../electron/core/connect/pending-connections';
import { deviceCoreOf } from '../../../electron/core/session/device-internals';

type Json = Record<string, unknown>;

/** Rewrite the answers to one request message, as parsed JSON. */
function onAnswer(requestName: string, change: (answer: Json, request: Json) => void): Rewrite {
  return ({ request, response }) => {
    const body = JSON.parse(request) as Json;
    if (!(requestName in body)) return undefined;
    const parsed = JSON.parse(response) as Json;
    const name = Object.keys(parsed)[0]!;
    change(parsed[name] as Json, body[requestName] as Json);
    return JSON.stringify(parsed);
  };
}

/** A compact JWS with its payload changed by `change` and the signature kept (a forgery). */
function forgePayload(compact: string, change: (payload: Json) => void): string {
  const [header, payload, signature] = compact.split('.');
  const value = JSON.parse(utf8Decode(base64urlDecode(payload!))) as Json;
  change(value);
  return `${header}.${base64urlEncode(utf8Encode(JSON.stringify(value)))}.${signature}`;
}

describe.runIf(keychainInSession)(`verification before use${keychainSkipReason}`, () => {
  let service: TestService;
  let proxy: TestProxy;
  const homes = new TestHomes();

  beforeAll(async () => {
    service = await startService();
    proxy = await startProxy(service.url);
  });
  afterEach(async () => {
    proxy.rewrite = undefined;
    proxy.target = service.url;
    await homes.cleanup();
  });
  afterAll(async () => {
    await proxy.close();
    await service.close();
  });

  it('stops a connection request on a forged personal profile (signature does not verify)', async () => {
    const admin = await homes.open('forge-admin');
    await admin.account.create({ address: service.address('quinn'), deviceName: 'desktop' });
    proxy.rewrite = onAnswer('ConnectStartRequest', (answer) => {
      const profile = answer.Profile as Json;
      profile.SignedData = forgePayload(String(profile.SignedData), (payload) => {
        payload.Applications = [{ Identifier: 'evil', Type: 'password' }];
      });
    });
    const device = await homes.open('forge-device');
    await expect(device.connect.request({ address: proxy.address('quinn') })).rejects.toMatchObject(
      { code: 'SIGNATURE_INVALID' },
    );
    expect((await device.account.status()).state).toBe('unconnected');
  });

  it('stops on a profile the log does not hold (inclusion proof fails)', async () => {
    const admin = await homes.open('log-admin');
    await admin.account.create({ address: service.address('rita') });
    proxy.rewrite = onAnswer('GetRequest', (answer) => {
      const item = (answer.DataItems as Json[])[0]!;
      const profile = item.Profile as Json;
      profile.SignedData = forgePayload(String(profile.SignedData), (payload) => {
        payload.Devices = [];
      });
      // Rewrite the record too, so only the Merkle proof can tell.
      const record = JSON.parse(String(item.Record)) as Json;
      record.Profile = profile;
      item.Record = JSON.stringify(record);
    });
    const device = await homes.open('log-device');
    await expect(device.connect.request({ address: proxy.address('rita') })).rejects.toMatchObject({
      code: 'PROOF_INVALID',
    });
    expect((await device.account.status()).state).toBe('unconnected');
  });

  it('stops on a checkpoint whose signature does not verify', async () => {
    const admin = await homes.open('cp-admin');
    await admin.account.create({ address: service.address('sam') });
    proxy.rewrite = onAnswer('GetRequest', (answer) => {
      const checkpoint = answer.Checkpoint as Json;
      const signature = base64urlDecode(String(checkpoint.Signature));
      signature[0]! ^= 1;
      checkpoint.Signature = base64urlEncode(signature);
    });
    const device = await homes.open('cp-device');
    await expect(device.connect.request({ address: proxy.address('sam') })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a rolled-back personal profile on a connected device and keeps the version it holds', async () => {
    const admin = await homes.open('roll-admin');
    await admin.account.create({ address: service.address('tina'), deviceName: 'desktop' });
    let firstVersion: string | undefined;
    proxy.rewrite = ({ request, response }) => {
      if (request.includes('"GetRequest"') && firstVersion === undefined) firstVersion = response;
      return undefined;
    };
    const device = await homes.open('roll-device');
    const request = await device.connect.request({
      address: proxy.address('tina'),
      deviceName: 'phone',
    });
    await admin.connect.accept({ selector: request.witness });
    expect((await device.connect.complete({ waitSeconds: 5 })).state).toBe('connected');
    expect(firstVersion).toBeDefined();

    // The service now serves the version without the phone: genuine, logged, but older.
    proxy.rewrite = ({ request }) => (request.includes('"GetRequest"') ? firstVersion : undefined);
    await expect(device.account.status({ refresh: true })).rejects.toMatchObject({
      code: 'UNTRUSTED_PROFILE',
    });
    expect(await device.account.status()).toMatchObject({ state: 'connected', devices: 2 });
  });

  it('stops on a forged connection result, and completes once the real one arrives', async () => {
    const admin = await homes.open('result-admin');
    await admin.account.create({ address: service.address('uma') });
    const device = await homes.open('result-device');
    const request = await device.connect.request({ address: proxy.address('uma') });
    const attacker = deriveKeyPair(generateSeed(), 'attacker', 'Ed25519');
    // The request as the service holds it: a core internal, to forge an answer to it.
    const { pending } = await listPendingConnections(deviceCoreOf(admin).context);
    const genuine = pending[0]!.request.request;
    const forged = await signJson(
      {
        ParentUDF: genuine.ParentUDF,
        Device: genuine.Device,
        ClientNonce: genuine.ClientNonce,
        Result: 'Accepted',
      },
      attacker,
      'ConnectionResult',
    );
    proxy.rewrite = onAnswer('ConnectStatusRequest', (answer) => {
      answer.Status = 200;
      answer.StatusDescription = 'OK';
      answer.Pending = false;
      answer.Result = { Identifier: request.deviceUdf, SignedData: forged };
    });
    const error = await device.connect.complete().catch((caught: unknown) => caught);
    expect(['SIGNATURE_INVALID', 'UNTRUSTED_PROFILE']).toContain((error as { code: string }).code);
    expect((await device.account.status()).state).toBe('requested');

    proxy.rewrite = undefined;
    await admin.connect.accept({ selector: request.witness });
    expect((await device.connect.complete({ waitSeconds: 5 })).state).toBe('connected');
  });

  it('recomputes the witness of a pending request and never trusts the service flags', async () => {
    const admin = await homes.open('pending-admin');
    const created = await admin.account.create({ address: proxy.address('vera') });
    const device = await homes.open('pending-device');
    const request = await device.connect.request({ address: service.address('vera') });

    // 1. The service lies about the witness only: the recomputed one is still the device's.
    proxy.rewrite = onAnswer('ConnectPendingRequest', (answer) => {
      const entry = (answer.Pending as Json[])[0]!;
      entry.Witness = 'AAAA-AAAA-AAAA-AAAA-AAAA';
      entry.PinVerified = true; // and claims a PIN was proven
    });
    let [entry] = (await admin.connect.pending()).pending;
    expect(entry).toMatchObject({
      witness: request.witness,
      serviceWitnessAgrees: false,
      pinVerified: false,
    });
    expect(await admin.connect.acceptPins()).toEqual([]);

    // 2. The service swaps the server nonce (and a witness to match): the administrator's
    // witness then differs from the one the new device shows, so the user sees it.
    const serverNonce = randomNonce();
    proxy.rewrite = onAnswer('ConnectPendingRequest', (answer) => {
      const pendingEntry = (answer.Pending as Json[])[0]!;
      pendingEntry.ServerNonce = serverNonce;
      const signed = pendingEntry.SignedRequest as Json;
      const payload = JSON.parse(
        utf8Decode(base64urlDecode(String(signed.SignedData).split('.')[1]!)),
      ) as Json;
      pendingEntry.Witness = computeWitness({
        profileUdf: created.profileUdf,
        serverNonce,
        deviceUdf: request.deviceUdf,
        clientNonce: String(payload.ClientNonce),
      });
    });
    [entry] = (await admin.connect.pending()).pending;
    expect(entry!.serviceWitnessAgrees).toBe(true);
    expect(entry!.witness).not.toBe(request.witness);
    await expect(admin.connect.accept({ selector: request.witness })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    // 3. A request whose signature does not verify is never offered.
    proxy.rewrite = onAnswer('ConnectPendingRequest', (answer) => {
      const signed = (answer.Pending as Json[])[0]!.SignedRequest as Json;
      signed.SignedData = forgePayload(String(signed.SignedData), (payload) => {
        payload.Created = '2000-01-01T00:00:00.000Z';
      });
    });
    const listing = await admin.connect.pending();
    expect(listing.pending).toEqual([]);
    expect(listing.unverifiable).toHaveLength(1);
  });

  it('detects a forked log: same service key, another history', async () => {
    // A service whose data is copied mid-life: both copies sign with the same key.
    const original = await startService();
    const admin = await homes.open('fork-admin');
    proxy.target = original.url;
    await admin.account.create({ address: proxy.address('wade') });
    await original.close({ keep: true });
    const copy = await mkdtemp(join(tmpdir(), 'mesh-flows-fork-'));
    await cp(original.directory, copy, {
      recursive: true,
      filter: (source) => !source.endsWith('service.lock'),
    });
    const honest = await startService({}, original.directory);
    const forked = await startService({}, copy);
    try {
      // The honest log grows, and the device checks it.
      proxy.target = honest.url;
      await admin.connect.issuePin();
      expect((await admin.account.status({ refresh: true })).online).toBe(true);
      const seen = (await admin.trust.status()).checkpoint;
      expect(seen?.treeSize).toBeGreaterThan(0);
      // The fork grows differently (and longer).
      for (const name of ['xena', 'yuri']) {
        const other = await homes.open(`fork-${name}`);
        await other.account.create({ address: forked.address(name) });
      }
      proxy.target = forked.url;
      await expect(admin.account.status({ refresh: true })).rejects.toMatchObject({
        code: 'LOG_INCONSISTENT',
      });
      await expect(admin.devices.list()).rejects.toMatchObject({ code: 'LOG_INCONSISTENT' });
      // What the device verified is unchanged.
      expect((await admin.trust.status()).checkpoint?.treeSize).toBe(seen?.treeSize);
    } finally {
      await honest.close();
      await forked.close();
    }
  });
});
