/**
 * Approval latency (docs/device-flows.md "Roles"; docs/protocol.md ConnectPending): how soon an
 * administrator device that is watching learns of a new connection request. The service runs in
 * this process (SQLite in a fresh directory, loopback); the administrator is a real device core
 * (file key store) long-polling ConnectPending as MeshDevice's watcher does, and each request is a
 * real signed ConnectionRequest sent with ConnectStart. Measured from the moment ConnectStart is
 * sent to the moment the administrator holds the verified request (witness recomputed).
 * Target: 250 ms at the median and p95.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomNonce } from '../../shared/udf';
import { startService } from '../../service/start';
import { MeshServiceClient } from '../../electron/core/client/mesh-service-client';
import { generateSeed } from '../../electron/core/crypto/keys';
import { createAccount } from '../../electron/core/device/create-account';
import { openDeviceContext } from '../../electron/core/device/device-context';
import { deriveDeviceKeys, wipeDeviceKeys } from '../../electron/core/device/device-keys';
import { listPendingConnections } from '../../electron/core/device/pending-connections';
import { signDeviceProfile, signObject } from '../../electron/core/device/profile-signing';
import { table, verdict } from '../report';
import type { BenchSection } from '../section';

const ROUNDS = Number(process.env.MESH_BENCH_APPROVAL_ROUNDS ?? 30);
const TARGET_MS = 250;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const approvalSection: BenchSection = {
  name: 'approval',
  title: 'Approval latency (ConnectStart to the watching administrator)',
  async run(progress) {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'mesh-bench-approval-'));
    const running = await startService({
      storage: { kind: 'sqlite', directory: path.join(scratch, 'service') },
      limits: { requestsPerSecond: 0 },
    });
    const admin = await openDeviceContext({
      home: path.join(scratch, 'admin'),
      keyStore: { kind: 'file', passphrase: 'bench passphrase' },
    });
    try {
      const address = `bench@127.0.0.1:${running.port}`;
      const created = await createAccount(admin, { address, deviceName: 'administrator' });
      const client = new MeshServiceClient({ url: `${running.url}/.well-known/mmm/` });
      const latencies: number[] = [];
      let after = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const keys = deriveDeviceKeys(generateSeed());
        const device = await signDeviceProfile(keys, `device ${round}`, Date.now());
        const request = await signObject(
          keys.udf,
          { ParentUDF: created.profileUdf, Device: device, ClientNonce: randomNonce() },
          keys.sign,
          'ConnectionRequest',
        );
        // The administrator is waiting before the request is made.
        const learned = (async () => {
          for (;;) {
            const listed = await listPendingConnections(admin, { waitSeconds: 30, after });
            after = Math.max(after, listed.newest);
            if (listed.pending.some((p) => p.deviceUdf === keys.udf)) return performance.now();
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const sent = performance.now();
        await client.call('ConnectStart', { AccountID: 'bench', SignedRequest: request });
        latencies.push((await learned) - sent);
        wipeDeviceKeys(keys);
        if ((round + 1) % 10 === 0) progress(`approval: ${round + 1}/${ROUNDS} rounds`);
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const median = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      return [
        `${ROUNDS} rounds on loopback, ${os.cpus().length} cores; one administrator long-polling ` +
          'ConnectPending (the watcher), each request a fresh device sending a signed ' +
          'ConnectionRequest. Latency = ConnectStart sent → the administrator holds the verified ' +
          'request.',
        '',
        ...table(
          ['figure', 'ms', 'target', 'verdict'],
          [
            ['median', median.toFixed(1), `≤ ${TARGET_MS}`, verdict(median, TARGET_MS, 'at-most')],
            ['p95', p95.toFixed(1), `≤ ${TARGET_MS}`, verdict(p95, TARGET_MS, 'at-most')],
            ['max', sorted[sorted.length - 1]!.toFixed(1), '', ''],
          ],
        ),
      ];
    } finally {
      await admin.close();
      await running.close();
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
