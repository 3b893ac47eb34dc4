import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { keychainInSession, keychainSkipReason } from '../../keystore/keychain-session';
import { connectDevice, createAdministrator, startService, TestHomes } from './harness';
import { serviceForSuite } from '../../../support/service-suite';

const ENTRIES = 10_000;

/** A Chrome export of `count` logins. */
function chromeExport(count: number): string {
  const rows = ['name,url,username,password,note'];
  for (let i = 0; i < count; i++) {
    rows.push(
      `Site ${i},https://www${i % 7}.site-${i}.example/login,user${i}@mail.example,pw-${i}-${(i * 7919) % 100_003},`,
    );
  }
  return rows.join('\n');
}

const ms = (start: number): number => Math.round(performance.now() - start);

describe.runIf(keychainInSession)(`sync at 10,000 entries${keychainSkipReason}`, () => {
  const homes = new TestHomes();
  const service = serviceForSuite(() => startService(), homes);

  it('one changed entry in a 10,000-entry catalog syncs in under 4 KB, at least 100 times fewer bytes than the whole catalog', async () => {
    const admin = await createAdministrator(homes, service, 'frank');
    const phone = await connectDevice(homes, admin, 'phone');
    const passwords = await admin.apps.passwords();

    let start = performance.now();
    const report = await passwords.import(chromeExport(ENTRIES));
    const importMs = ms(start);
    expect(report.added).toHaveLength(ENTRIES);

    start = performance.now();
    const pushed = await admin.apps.sync();
    const uploadMs = ms(start);
    expect(pushed.uploaded).toBe(ENTRIES);

    const progress: Array<{ done?: number; total?: number }> = [];
    const stop = phone.device.on('progress', (event) => {
      if (event.operation === 'sync' && event.done !== undefined) progress.push(event);
    });
    service.resetBytes();
    start = performance.now();
    const first = await phone.apps.sync();
    stop();
    const firstSyncMs = ms(start);
    const fullBytes = service.bytes.sent + service.bytes.received;
    expect(first.downloaded).toBe(ENTRIES);
    const phonePasswords = await phone.apps.passwords();
    expect(phonePasswords.size).toBe(ENTRIES);
    // Progress page by page (the service's page is 1,000 entries), up to the whole catalog.
    expect(progress.length).toBeGreaterThanOrEqual(ENTRIES / 1000);
    expect(progress.at(-1)).toMatchObject({ done: ENTRIES, total: ENTRIES });
    expect(progress.map((event) => event.done)).toEqual(
      [...progress.map((event) => event.done!)].sort((a, b) => a - b),
    );

    start = performance.now();
    const found = phonePasswords.list('user4242@');
    const searchMs = performance.now() - start;
    expect(found.map((entry) => entry.Username)).toEqual(['user4242@mail.example']);
    start = performance.now();
    const bySite = phonePasswords.find('https://www0.site-9996.example/x');
    const lookupMs = performance.now() - start;
    expect(bySite[0]?.entry.Password).toBe(`pw-9996-${(9996 * 7919) % 100_003}`);

    // One change on the desktop, then an incremental sync on the phone.
    const target = passwords.find(`www${(ENTRIES / 2) % 7}.site-${ENTRIES / 2}.example`)[0]!.entry;
    await passwords.update(target.Identifier, { Password: 'the-one-change' });
    await admin.apps.sync();
    service.resetBytes();
    start = performance.now();
    const incremental = await phone.apps.sync();
    const incrementalMs = ms(start);
    const incrementalBytes = service.bytes.sent + service.bytes.received;
    expect(incremental.downloaded).toBe(1);
    expect(phonePasswords.entry(target.Identifier)?.Password).toBe('the-one-change');

    // A first sync can be cancelled between pages; the next one goes on from there.
    const tablet = await connectDevice(homes, admin, 'tablet');
    const controller = new AbortController();
    tablet.device.on('progress', (event) => {
      if (event.operation === 'sync' && (event.done ?? 0) >= 2000) controller.abort();
    });
    await expect(tablet.apps.sync({ signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    const held = (await tablet.apps.passwords()).size;
    expect(held).toBeGreaterThanOrEqual(2000);
    expect(held).toBeLessThan(ENTRIES);
    const resumed = await tablet.apps.sync();
    expect(resumed.downloaded).toBe(ENTRIES + 1 - held);
    expect((await tablet.apps.passwords()).size).toBe(ENTRIES);

    // Reopening the phone's home rebuilds the catalog from the local store.
    await homes.close(phone);
    start = performance.now();
    const reopened = await homes.open('phone', phone.directory);
    expect((await reopened.apps.passwords()).size).toBe(ENTRIES);
    const loadMs = ms(start);

    console.log(
      [
        `sync at ${ENTRIES} entries:`,
        `  import ${importMs} ms, upload ${uploadMs} ms,`,
        `  first sync ${firstSyncMs} ms moving ${fullBytes} bytes,`,
        `  incremental sync of one change ${incrementalMs} ms moving ${incrementalBytes} bytes (${(fullBytes / incrementalBytes).toFixed(0)}x fewer),`,
        `  search ${searchMs.toFixed(2)} ms, site lookup ${lookupMs.toFixed(3)} ms, open from the local store ${loadMs} ms`,
      ].join('\n'),
    );
    expect(incrementalBytes).toBeLessThan(4096);
    expect(fullBytes / incrementalBytes).toBeGreaterThanOrEqual(100);
  }, 120_000);
});
