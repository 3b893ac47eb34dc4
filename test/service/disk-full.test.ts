/**
 * A full disk under the service (its SQLite data directory on a real tmpfs filled to the last
 * page): a write is answered 507 Insufficient storage, which the device reads as DISK_FULL; the
 * service logs it plainly, stores nothing of it, and once space is freed carries on with its log
 * intact (a connected device verifies the log's consistency with what it saw before).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../service/logger';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { startService, TestHomes, type TestService } from '../core/harness';
import { mountSmallDisk, smallDiskSkipReason } from '../support/small-disk';

const disk = keychainInSession ? mountSmallDisk(16) : undefined;

describe.runIf(disk !== undefined)(
  `a full disk under the service${keychainSkipReason}${smallDiskSkipReason(disk)}`,
  () => {
    const homes = new TestHomes();
    const logged: { message: string; fields: Record<string, unknown> }[] = [];
    const logger: Logger = {
      error: (message, fields = {}) => logged.push({ message, fields }),
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
    };
    let service: TestService | undefined;
    afterAll(async () => {
      await homes.cleanup();
      await service?.close();
      disk?.unmount();
    });

    it('answers 507, stores nothing, and carries on once space is freed', async () => {
      const directory = join(disk!.path, 'service');
      await mkdir(directory, { mode: 0o700 });
      service = await startService({ logger }, directory);
      const admin = await homes.open('full-admin');
      await admin.account.create({ address: service.address('zoe'), deviceName: 'desktop' });

      await disk!.fill();
      try {
        const other = await homes.open('full-other');
        const error = await other.account
          .create({ address: service.address('yan') })
          .catch((caught: unknown) => caught);
        expect(error).toMatchObject({
          code: 'DISK_FULL',
          details: { transaction: 'CreateAccount', status: 507 },
        });
        expect(String((error as Error).message)).toContain("the service's storage is full");
        expect(logged).toContainEqual(
          expect.objectContaining({
            message: 'storage full: the request was refused and nothing was stored',
            fields: expect.objectContaining({ transaction: 'CreateAccount' }) as unknown,
          }),
        );
        // Reads still work.
        expect((await admin.account.status({ refresh: true })).online).toBe(true);
      } finally {
        await disk!.free();
      }

      const later = await homes.open('full-later');
      await later.account.create({ address: service.address('yan') });
      const status = await admin.account.status({ refresh: true });
      expect(status).toMatchObject({ state: 'connected', online: true });
      expect((await admin.trust.status()).warning).toBeNull();
    });
  },
);
