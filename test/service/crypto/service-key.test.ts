/**
 * Start-up checks of what the service stores, on both backends (SQLite, and PostgreSQL from
 * `node test/run.mjs`): a log whose signing key is gone is refused unless --init
 * (service/crypto/service-key.ts), and so is a log altered since its last signed checkpoint
 * (service/log/stored-checkpoint.ts).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { StorageOptions } from '../../../service/config';
import { buildService, type MeshService } from '../../../service/service';
import { authorizationFor } from '../support/client';
import { backendCases } from '../support/backends';
import { TestUser } from '../support/identity';

async function createAccount(service: MeshService, name: string): Promise<void> {
  const user = await TestUser.create();
  const body = new TextEncoder().encode(
    JSON.stringify({ CreateRequest: { Account: name, Profile: await user.profile() } }),
  );
  const created = await service.handle({
    body,
    authorization: authorizationFor(body, { account: name, device: user.device }),
  });
  expect(created.status).toBe(201);
}

/** Run one statement on the service's database, behind its back. */
async function tamper(storage: StorageOptions, statement: string): Promise<void> {
  if (storage.kind === 'sqlite') {
    const db = new Database(join(storage.directory, 'mesh.db'));
    try {
      db.prepare(statement).run();
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: storage.url });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${pg.escapeIdentifier(storage.schema ?? 'public')}`);
    await client.query(statement);
  } finally {
    await client.end();
  }
}

for (const backend of backendCases) {
  describe.runIf(backend.available)(`start-up checks on ${backend.name}`, () => {
    async function withTwoRecords(
      check: (storage: StorageOptions) => Promise<void>,
    ): Promise<void> {
      const storage = await backend.create();
      try {
        const service = await buildService({ storage: storage.options });
        await createAccount(service, 'first');
        await createAccount(service, 'second');
        await service.close();
        await check(storage.options);
      } finally {
        await storage.dispose();
      }
    }

    it('refuses a log whose signing key is gone, unless init is given', async () => {
      await withTwoRecords(async (storage) => {
        await tamper(storage, "DELETE FROM service_secrets WHERE name = 'checkpoint-signing-key'");
        await expect(buildService({ storage })).rejects.toThrow(/signing key is missing.*--init/);
        const renewed = await buildService({ storage, init: true });
        await renewed.close();
        const later = await buildService({ storage });
        await later.close();
      });
    });

    it('refuses a log altered since its last signed checkpoint, unless init is given', async () => {
      await withTwoRecords(async (storage) => {
        await tamper(
          storage,
          'UPDATE log SET leaf_hash = (SELECT leaf_hash FROM log WHERE id = 2) WHERE id = 1',
        );
        await expect(buildService({ storage })).rejects.toMatchObject({
          code: 'STORE_CORRUPT',
          details: { field: 'log', checkpointSize: 2 },
        });
        const accepted = await buildService({ storage, init: true });
        await accepted.close();
      });
    });
  });
}
