/**
 * Catalog sync (docs/architecture.md section 10: "Sync of one changed entry in a 10,000-entry
 * catalog moves under 4 KB and at least 100 times fewer bytes than downloading the whole catalog").
 * A real service (SQLite, in this process) behind a TCP relay that counts every byte both ways,
 * HTTP headers included; two device homes (file key store) on one account. Measured: importing
 * 10,000 passwords, uploading them, the second device's first sync (the whole catalog), then
 * one change and the second device's incremental sync - in bytes and time - first on a service
 * whose log holds only this account, then again after other traffic has grown the log, since
 * the consistency proof of each Status grows with the log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MeshDevice } from '../../electron/core/mesh-device';
import { buildService } from '../../service/service';
import { startCountingRelay } from '../../test/support/counting-relay';
import { count, ratio, table, verdict } from '../report';
import type { BenchSection } from '../section';
import { deviceCoreOf } from '../../electron/core/session/device-internals';

const ENTRIES = 10_000;
const TARGET_BYTES = 4096;
/** The smaller-syncs targets: one change on a quiet log, and after 20,000 transactions. */
const TARGET_QUIET_BYTES = 2000;
const TARGET_BUSY_BYTES = 2500;
const TARGET_RATIO = 100;
/** Other accounts' transactions added before the second measurement, and how many at once. */
const FILLER = 20_000;
const FILLER_CONCURRENCY = 32;

/** A Chrome export of `entries` logins. */
function chromeExport(entries: number): string {
  const rows = ['name,url,username,password,note'];
  for (let i = 0; i < entries; i++) {
    rows.push(
      `Site ${i},https://site-${i}.example/login,user${i}@mail.example,pw-${i}-${i * 7919},`,
    );
  }
  return rows.join('\n');
}

async function openHome(directory: string): Promise<MeshDevice> {
  return MeshDevice.open({
    home: directory,
    keyStore: { kind: 'file', passphrase: 'bench passphrase' },
    keyStoreOptions: { scryptLogN: 15 },
  });
}

export const syncSection: BenchSection = {
  name: 'sync',
  title: 'Catalog sync, one change in 10,000 entries',
  async run(progress) {
    const work = await mkdtemp(path.join(tmpdir(), 'mesh-bench-sync-'));
    const service = await buildService({
      storage: { kind: 'sqlite', directory: path.join(work, 'service') },
      limits: { requestsPerSecond: 0 },
    });
    const devices: MeshDevice[] = [];
    try {
      const listening = await service.listen({ port: 0, host: '127.0.0.1' });
      const relay = await startCountingRelay(() => listening.port);
      const address = (name: string): string => `${name}@127.0.0.1:${relay.port}`;
      const moved = (): number => relay.bytes.sent + relay.bytes.received;
      try {
        const desktop = await openHome(path.join(work, 'desktop'));
        const phone = await openHome(path.join(work, 'phone'));
        devices.push(desktop, phone);
        await desktop.account.create({ address: address('bench'), deviceName: 'desktop' });
        const request = await phone.connect.request({
          address: address('bench'),
          deviceName: 'phone',
        });
        await desktop.connect.accept({ selector: request.witness });
        await phone.connect.complete({ waitSeconds: 10 });
        const desktopApps = deviceCoreOf(desktop).applications;
        const phoneApps = deviceCoreOf(phone).applications;
        const passwords = await desktopApps.passwords();

        progress(`  importing ${count(ENTRIES)} passwords...`);
        let start = performance.now();
        await passwords.import(chromeExport(ENTRIES));
        const importMs = performance.now() - start;
        start = performance.now();
        await desktopApps.sync();
        const uploadMs = performance.now() - start;

        relay.resetBytes();
        start = performance.now();
        await phoneApps.sync();
        const firstMs = performance.now() - start;
        const fullBytes = moved();
        const phonePasswords = await phoneApps.passwords();
        start = performance.now();
        const found = phonePasswords.list('user4242@');
        const searchMs = performance.now() - start;
        if (phonePasswords.size !== ENTRIES || found.length !== 1) {
          throw new Error('the second device does not hold the catalog');
        }

        const incremental = async (round: number): Promise<{ bytes: number; ms: number }> => {
          const [match] = passwords.find(`site-${round}.example`);
          await passwords.update(match!.entry.Identifier, { Password: `changed ${round}` });
          await desktopApps.sync();
          relay.resetBytes();
          const begin = performance.now();
          const report = await phoneApps.sync();
          const ms = performance.now() - begin;
          if (report.downloaded !== 1)
            throw new Error('the incremental sync did not take one entry');
          return { bytes: moved(), ms };
        };
        const quiet = await incremental(1);

        progress(`  growing the log by ${count(FILLER)} transactions of another account...`);
        const other = await openHome(path.join(work, 'other'));
        devices.push(other);
        await other.account.create({ address: address('filler'), deviceName: 'filler' });
        const client = await deviceCoreOf(other).context.accountClient();
        let next = 0;
        const fill = async (): Promise<void> => {
          while (next < FILLER) {
            next++;
            // One Upload, one transaction: each to a container of its own.
            await client.call('Upload', {
              Account: 'filler',
              Updates: [
                { Container: `filler-${next}`, ExpectedIndex: 0, Entries: [{ Payload: 'x' }] },
              ],
            });
          }
        };
        await Promise.all(Array.from({ length: FILLER_CONCURRENCY }, fill));
        const busy = await incremental(2);
        const logSize = (await phoneApps.sync()).checkpointSize;

        const rows = [
          ['import 10,000 passwords (CSV, Chrome)', `${importMs.toFixed(0)} ms`, '', ''],
          ['upload 10,000 entries', `${uploadMs.toFixed(0)} ms`, '', ''],
          [
            'first sync on the second device (whole catalog)',
            `${count(fullBytes)} bytes, ${firstMs.toFixed(0)} ms`,
            '',
            '',
          ],
          ['search 10,000 entries (one word)', `${searchMs.toFixed(2)} ms`, '', ''],
          [
            'incremental sync of one change, quiet log',
            `${count(quiet.bytes)} bytes, ${quiet.ms.toFixed(1)} ms`,
            `< ${count(TARGET_BYTES)} bytes`,
            verdict(quiet.bytes, TARGET_BYTES - 1, 'at-most'),
          ],
          [
            'the same, against the smaller-syncs target',
            `${count(quiet.bytes)} bytes`,
            `≤ ${count(TARGET_QUIET_BYTES)} bytes`,
            verdict(quiet.bytes, TARGET_QUIET_BYTES, 'at-most'),
          ],
          [
            'whole catalog / incremental, quiet log',
            `${ratio(fullBytes / quiet.bytes)}×`,
            `≥ ${TARGET_RATIO}×`,
            verdict(fullBytes / quiet.bytes, TARGET_RATIO, 'at-least'),
          ],
          [
            `incremental sync of one change, log of ${count(logSize)} transactions`,
            `${count(busy.bytes)} bytes, ${busy.ms.toFixed(1)} ms`,
            `< ${count(TARGET_BYTES)} bytes`,
            verdict(busy.bytes, TARGET_BYTES - 1, 'at-most'),
          ],
          [
            'the same, against the smaller-syncs target',
            `${count(busy.bytes)} bytes`,
            `≤ ${count(TARGET_BUSY_BYTES)} bytes`,
            verdict(busy.bytes, TARGET_BUSY_BYTES, 'at-most'),
          ],
        ];
        return [
          ...table(['measure', 'value', 'target', 'verdict'], rows),
          '',
          'Bytes are counted on the TCP connections (requests and answers, HTTP headers included).',
          'An incremental sync is one Status (checkpoint, consistency proof, container indexes and,',
          'through StatusRequest.Since, the changed entry: docs/protocol.md "Status"); the',
          "proof's length grows with the log's size.",
        ];
      } finally {
        for (const device of devices) await device.close();
        await relay.close();
      }
    } finally {
      await service.close();
      await rm(work, { recursive: true, force: true });
    }
  },
};
