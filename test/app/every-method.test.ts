// Every method of the IPC contract walked with real data through the desktop's own generic
// dispatcher: real device cores (several homes, secrets in the REAL OS keychain), a real Mesh
// service in this process. Onboarding runs on fresh homes (account.create, connect.request,
// escrow.recover), the administrator device approves, refuses and issues PINs, and every
// application method runs on real entries. Then every reply and every event pushed is scanned
// for what must never leave the core: the seeds in the homes' key stores and the private keys
// derived from them (raw, hex, base64, base64url, base32), the local store key, and any JWK `d`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopApp, type DesktopApp } from '../../electron/app/desktop-app';
import { createDesktopApi, createDesktopDispatcher } from '../../electron/app/desktop-api';
import { openDeviceHost, type DeviceHost } from '../../electron/app/device-host';
import { superviseService, type ServiceSupervisor } from '../../electron/app/service-supervisor';
import { exportPrivateJwk, type MeshKeyPair } from '../../electron/core/crypto/keys';
import { deriveDeviceKeys } from '../../electron/core/session/device-keys';
import { deriveMasterKeys } from '../../electron/core/profile/master-keys';
import { SECRET_NAMES } from '../../electron/core/keystore/key-store';
import { base32Encode } from '../../shared/encoding/base32';
import { base64urlEncode } from '../../shared/encoding/base64url';
import {
  meshMethodNames,
  type MeshEventMessage,
  type MeshMethodName,
} from '../../shared/ipc/contract';
import type { MeshDispatcher } from '../../shared/ipc/dispatcher';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { createFakeElectron } from './fake-electron';
import { startService, type TestService } from '../core/harness';
import { deviceCoreOf } from '../../electron/core/session/device-internals';

const identity = {
  name: 'Mesh Desktop',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  electron: null,
};

/** One device as the desktop holds it: its host and the main process's dispatcher. */
interface Desk {
  readonly host: DeviceHost;
  readonly dispatch: MeshDispatcher;
}

describe.runIf(keychainInSession)(`every method of the contract${keychainSkipReason}`, () => {
  let service: TestService;
  let supervisor: ServiceSupervisor;
  const folders: string[] = [];
  const desks: Desk[] = [];
  const replies: { method: MeshMethodName; reply: unknown }[] = [];
  const events: MeshEventMessage[] = [];
  // The program's own namespaces, on the recording fake's clipboard and power monitor.
  const fake = createFakeElectron();
  let desktop: DesktopApp;

  function open(label: string): Desk {
    const home = mkdtempSync(join(tmpdir(), `mesh-walk-${label}-`));
    folders.push(home);
    const host = openDeviceHost({
      home,
      keyStore: { kind: 'keychain' },
      service: supervisor,
      // The pending watch long-polls the service and would accept a request proving a PIN as
      // soon as it arrives (then connect.accept finds it answered: CONFLICT). This walk accepts
      // them itself, through connect.accept, connect.awaitPin and connect.acceptPins.
      acceptPinRequests: false,
    });
    host.onEvent((message) => events.push(message));
    const desk = {
      host,
      dispatch: createDesktopDispatcher(
        host,
        createDesktopApi({ identity, service: supervisor, desktop }),
      ),
    };
    desks.push(desk);
    return desk;
  }

  /** Call a method and keep its reply; the value when it succeeded, else fail the test. */
  async function call(desk: Desk, method: MeshMethodName, request?: unknown) {
    const reply = await desk.dispatch(request === undefined ? { method } : { method, request });
    replies.push({ method, reply });
    if (!reply.ok) {
      throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
    }
    return reply.value as Record<string, unknown>;
  }

  beforeAll(async () => {
    service = await startService();
    supervisor = superviseService({ kind: 'configured', url: `${service.url}/` });
    const userData = mkdtempSync(join(tmpdir(), 'mesh-walk-data-'));
    folders.push(userData);
    desktop = await createDesktopApp({
      userData,
      clipboard: fake.module.clipboard,
      powerMonitor: fake.module.powerMonitor,
      checkKeychain: async () => {
        await desks[0]?.host.device();
      },
      onLockChange: () => {},
      serviceUrl: async () => supervisor.status().url,
    });
  });

  afterAll(async () => {
    desktop?.close();
    for (const desk of desks) {
      const device = await desk.host.device().catch(() => undefined);
      if (device !== undefined) {
        for (const name of await deviceCoreOf(device).context.keyStore.list()) {
          await deviceCoreOf(device).context.keyStore.delete(name);
        }
      }
      await desk.host.close();
    }
    await service.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('answers every method with real data, and no reply or event carries a key or a seed', async () => {
    const admin = open('admin');
    // Before anything: the program, the service, a fresh home.
    await call(admin, 'app.info');
    await call(admin, 'service.status');
    // The program's own: settings, the lock, the clipboard.
    expect(await call(admin, 'settings.get')).toMatchObject({ clipboardSeconds: 30 });
    expect(await call(admin, 'settings.update', { clipboardSeconds: 20 })).toMatchObject({
      clipboardSeconds: 20,
    });
    expect(await call(admin, 'settings.checkService', {})).toMatchObject({ reachable: true });
    expect(await call(admin, 'session.lock')).toEqual({ locked: true, reason: 'user' });
    expect(await call(admin, 'session.state')).toEqual({ locked: true, reason: 'user' });
    expect(await call(admin, 'session.unlock')).toEqual({ locked: false, reason: null });
    await call(admin, 'clipboard.copy', { text: 'walked' });
    expect(fake.module.clipboard.readText()).toBe('walked');
    expect(await call(admin, 'account.status')).toMatchObject({ state: 'unconnected' });
    await call(admin, 'account.syncState');
    await call(admin, 'trust.status');
    await call(admin, 'escrow.status');
    expect(await call(admin, 'account.validate', { name: 'walker' })).toMatchObject({
      valid: true,
    });

    // Onboarding: an account, its escrow shares.
    const created = await call(admin, 'account.create', { address: 'walker', deviceName: 'desk' });
    const address = created.address as string;
    const made = await call(admin, 'escrow.makeShares', { shares: 3, threshold: 2 });
    const shares = made.shares as unknown as string[];
    expect(await call(admin, 'escrow.checkShare', { share: shares[0] })).toMatchObject({
      valid: true,
      threshold: 2,
    });
    expect(await call(admin, 'escrow.status')).toMatchObject({
      canMakeShares: true,
      lastMadeAt: made.madeAt,
    });

    // Passwords.
    const added = await call(admin, 'passwords.add', {
      title: 'Example',
      sites: ['https://www.example.com/login'],
      username: 'walker',
      password: 'correct horse battery staple',
      totp: 'JBSWY3DPEHPK3PXP',
      notes: 'first',
      folder: 'Work/Web',
      favorite: true,
      fields: [
        { name: 'Customer number', value: '1234' },
        { name: 'Recovery code', value: 'hidden-recovery-1', hidden: true },
      ],
    });
    expect(added).toMatchObject({ folder: 'Work/Web', favorite: true });
    const id = added.id as string;
    expect((await call(admin, 'passwords.get', { id })).fields).toEqual([
      { name: 'Customer number', value: '1234', hidden: false },
      { name: 'Recovery code', value: null, hidden: true },
    ]);
    expect(await call(admin, 'passwords.revealField', { id, index: 1 })).toEqual({
      id,
      index: 1,
      value: 'hidden-recovery-1',
    });
    await call(admin, 'passwords.list');
    expect(await call(admin, 'passwords.pending')).toMatchObject({ pending: expect.any(Number) });
    await call(admin, 'passwords.update', { id, changes: { password: 'second password 2!' } });
    const detail = await call(admin, 'passwords.get', { id });
    const history = detail.history as unknown as { updated: string; passwordChanged: boolean }[];
    expect(history).toEqual([expect.objectContaining({ passwordChanged: true })]);
    await call(admin, 'passwords.restore', { id, version: history[0]!.updated });
    expect(await call(admin, 'passwords.reveal', { id })).toEqual({
      id,
      password: 'correct horse battery staple',
    });
    expect(await call(admin, 'passwords.totp', { id })).toMatchObject({ digits: 6 });
    await call(admin, 'passwords.generate', { kind: 'passphrase', words: 5 });
    await call(admin, 'passwords.strength', { password: 'hunter2' });
    await call(admin, 'passwords.import', {
      csv: 'name,url,username,password\nShop,https://shop.example.net/,walker,shop-pass-1\n',
      format: 'chrome',
    });
    await call(admin, 'passwords.export', { format: 'bitwarden' });
    // What `mesh password` uses: add-or-replace, find by site (best first), delete by site.
    const put = { sites: ['cli.example.net'], username: 'walker', password: 'cli-pass-1' };
    expect(await call(admin, 'passwords.put', put)).toMatchObject({ replaced: false });
    expect(await call(admin, 'passwords.put', { ...put, password: 'cli-pass-2' })).toMatchObject({
      replaced: true,
    });
    expect(await call(admin, 'passwords.find', { site: 'https://cli.example.net/in' })).toEqual([
      expect.objectContaining({ site: 'cli.example.net' }),
    ]);
    expect(
      await call(admin, 'passwords.deleteBySite', { site: 'cli.example.net', username: 'walker' }),
    ).toEqual([expect.objectContaining({ username: 'walker' })]);
    expect(await call(admin, 'passwords.settings', { neverAsk: 'bank.example.org' })).toEqual({
      neverAsk: ['bank.example.org'],
      autoGenerate: false,
    });
    await call(admin, 'passwords.delete', { id });
    // Deleted at once; undelete brings it back as it was, the deleted version in its history.
    const listed = (await call(admin, 'passwords.list')) as unknown as { id: string }[];
    expect(listed.map((entry) => entry.id)).not.toContain(id);
    const back = await call(admin, 'passwords.undelete', { id });
    expect(back).toMatchObject({ id, folder: 'Work/Web', favorite: true });
    const undone = await call(admin, 'passwords.get', { id });
    expect((undone.updated as string) > (added.updated as string)).toBe(true);
    expect((undone.history as unknown as { updated: string }[]).length).toBe(history.length + 2);
    await call(admin, 'passwords.delete', { id }); // and deleted again, for the activity below

    // Mail.
    const imap = {
      ServiceName: 'imap.example.com',
      Port: 993,
      Prefix: '_imaps._tcp',
      Security: ['Direct'],
      UserName: 'walker',
      Password: 'imap secret',
    };
    const smtp = {
      ...imap,
      ServiceName: 'smtp.example.com',
      Port: 465,
      Prefix: '_submissions._tcp',
    };
    await call(admin, 'mail.add', {
      address: 'walker@example.com',
      displayName: 'Walker',
      inbound: [imap],
      outbound: [smtp],
    });
    await call(admin, 'mail.list');
    expect(await call(admin, 'mail.revealPasswords', { address: 'walker@example.com' })).toEqual({
      inbound: ['imap secret'],
      outbound: ['imap secret'],
    });
    expect(await call(admin, 'mail.pending')).toMatchObject({ pending: expect.any(Number) });
    expect(await call(admin, 'mail.get', { address: 'walker@example.com' })).toMatchObject({
      inbound: [expect.objectContaining({ hasPassword: true })],
    });
    await call(admin, 'mail.update', {
      address: 'walker@example.com',
      changes: { accountName: 'Work' },
    });
    const exported = await call(admin, 'mail.exportAutoconfig', { address: 'walker@example.com' });
    await call(admin, 'mail.importAutoconfig', {
      xml: exported.xml,
      address: 'walker2@example.com',
    });
    await call(admin, 'mail.delete', { address: 'walker2@example.com' });
    // Discovery of a reserved name (RFC 2606): it finds nothing, or says why it could not look.
    const discovered = await admin.dispatch({
      method: 'mail.discover',
      request: { address: 'walker@mail.invalid' },
    });
    replies.push({ method: 'mail.discover', reply: discovered });
    if (discovered.ok) expect(discovered.value).toMatchObject({ found: false });
    else expect(['NETWORK', 'TIMEOUT', 'NOT_FOUND']).toContain(discovered.error.code);

    // Network profiles.
    const profile = await call(admin, 'network.add', {
      sites: ['*.example.com'],
      dns: [{ ServiceName: 'dns.example.com', Port: 853, Security: ['Direct'] }],
      prefix: ['example.com'],
    });
    await call(admin, 'network.list');
    await call(admin, 'network.update', { id: profile.id, changes: { prefix: ['corp.example'] } });
    await call(admin, 'network.delete', { id: profile.id });

    // Sync, and where it stands.
    await call(admin, 'account.sync');
    expect(await call(admin, 'account.syncState')).toMatchObject({ state: 'idle' });

    // A PIN for a device to come; a device asks by witness, is seen pending and accepted.
    expect(await call(admin, 'connect.issuePin', { expiresInSeconds: 600 })).toMatchObject({
      uri: expect.stringMatching(/^mcu:/),
    });
    const phone = open('phone');
    const asked = await call(phone, 'connect.request', { address, deviceName: 'phone' });
    const pending = await call(admin, 'connect.pending');
    expect(pending.pending).toEqual([
      expect.objectContaining({ deviceUdf: asked.deviceUdf, witness: asked.witness }),
    ]);
    await call(admin, 'connect.accept', { selector: asked.deviceUdf });
    expect(await call(phone, 'connect.complete', { waitSeconds: 10 })).toMatchObject({
      state: 'connected',
    });

    // Another asks, cancels, asks again, and is refused.
    const tablet = open('tablet');
    await call(tablet, 'connect.request', { address, deviceName: 'tablet' });
    expect(await call(tablet, 'connect.cancel')).toEqual({ cancelled: true });
    const again = await call(tablet, 'connect.request', { address, deviceName: 'tablet' });
    await call(admin, 'connect.reject', { selector: again.witness });
    expect(await call(tablet, 'connect.complete', { waitSeconds: 10 })).toMatchObject({
      state: 'refused',
    });

    // The devices: one promoted (the online key travels encrypted to it), renamed, one removed
    // (an administrator: the online key is rotated).
    expect(
      await call(admin, 'devices.setRole', { udf: asked.deviceUdf, role: 'administrator' }),
    ).toMatchObject({ role: 'administrator', changed: true, rotated: false });
    await call(admin, 'devices.list');
    expect(await call(admin, 'devices.rename', { name: 'desk two' })).toMatchObject({
      name: 'desk two',
      thisDevice: true,
    });
    await call(admin, 'devices.remove', { udf: asked.deviceUdf });
    const devices = await call(admin, 'devices.list', { offline: true });
    expect((devices as unknown as { name: string }[]).map((device) => device.name)).toEqual([
      'desk two',
    ]);

    // Devices that prove a PIN: one accepted by hand, one awaited, one among the PIN requests.
    for (const [label, accept] of [
      ['laptop', 'connect.accept'],
      ['reader', 'connect.awaitPin'],
      ['watch', 'connect.acceptPins'],
    ] as const) {
      const pin = await call(admin, 'connect.issuePin');
      const joining = open(label);
      const waiting =
        accept === 'connect.awaitPin'
          ? call(admin, accept, { pinId: pin.pinId, timeoutSeconds: 30 })
          : undefined;
      const proved = await call(joining, 'connect.request', {
        address: pin.uri,
        deviceName: label,
      });
      expect(proved.pinVerified).toBe(true);
      let accepted: unknown;
      if (waiting !== undefined) accepted = await waiting;
      else if (accept === 'connect.accept') {
        accepted = await call(admin, accept, { selector: proved.deviceUdf });
      } else {
        const all = (await call(admin, accept)) as unknown as unknown[];
        expect(all).toHaveLength(1);
        accepted = all[0];
      }
      expect(accepted).toMatchObject({
        deviceUdf: proved.deviceUdf,
        pinVerified: true,
        role: 'member',
      });
      expect(await call(joining, 'connect.complete', { waitSeconds: 10 })).toMatchObject({
        state: 'connected',
      });
    }

    // What changed, and what was verified.
    const activity = await call(admin, 'activity.list', { limit: 100 });
    const items = activity as unknown as { kind: string; action: string }[];
    expect(items.map((item) => `${item.kind} ${item.action}`)).toEqual(
      expect.arrayContaining([
        'password added',
        'password deleted',
        'mail changed',
        'profile published',
      ]),
    );
    expect(await call(admin, 'trust.status')).toMatchObject({
      checkpoint: { treeSize: expect.any(Number) },
      warning: null,
    });

    // A fresh home recovers the account from two shares.
    const restored = open('restored');
    expect(
      await call(restored, 'escrow.recover', {
        address,
        shares: [shares[2], shares[0]],
        deviceName: 'restored',
      }),
    ).toMatchObject({ profileUdf: created.profileUdf });

    // Every method of the contract was walked.
    expect(new Set(replies.map((r) => r.method))).toEqual(new Set(meshMethodNames));

    // Nothing secret in any reply or event.
    const secrets: string[] = [];
    for (const desk of desks) {
      const keyStore = deviceCoreOf(await desk.host.device()).context.keyStore;
      for (const name of await keyStore.list()) {
        const value = await keyStore.get(name);
        if (value === undefined) continue;
        secrets.push(...spellings(value));
        const pairs: MeshKeyPair[] = [];
        if (name === SECRET_NAMES.deviceSeed) {
          const keys = deriveDeviceKeys(value);
          pairs.push(keys.sign, keys.authenticate, keys.encrypt);
        }
        if (name === SECRET_NAMES.masterSeed) {
          const keys = deriveMasterKeys(value);
          pairs.push(keys.sign, keys.escrow, keys.online);
        }
        for (const pair of pairs) secrets.push(exportPrivateJwk(pair).d);
      }
    }
    expect(secrets.length).toBeGreaterThan(20);
    const crossed = JSON.stringify({ replies, events });
    expect(events.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(crossed.includes(secret)).toBe(false);
    expect(crossed).not.toMatch(/"d"\s*:/);
  }, 120_000);
});

/** A secret as it could appear in text. */
function spellings(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  return [
    buffer.toString('hex'),
    buffer.toString('base64').replace(/=+$/, ''),
    base64urlEncode(bytes),
    base32Encode(bytes).replace(/=+$/, ''),
  ].filter((text) => text.length >= 16);
}
