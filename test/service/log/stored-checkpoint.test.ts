/**
 * The last signed checkpoint is kept with the data (service/log/stored-checkpoint.ts), and at
 * start the log rebuilt from the database must still have its root: a database whose log was
 * altered or rolled back between runs is refused with the fix in the message, unless the
 * operator starts with --init.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildService, type MeshService } from '../../../service/service';
import { LAST_CHECKPOINT } from '../../../service/log/stored-checkpoint';
import { parseCheckpointValue } from '../../../shared/merkle/checkpoint';
import { authorizationFor } from '../support/client';
import { TestUser } from '../support/identity';

const made: string[] = [];
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
});

function dataDirectory(): string {
  const path = mkdtempSync(join(tmpdir(), 'mesh-checkpoint-'));
  made.push(path);
  return join(path, 'data');
}

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

/** A service with two accounts (two log records), closed. */
async function twoRecords(directory: string): Promise<void> {
  const service = await buildService({ storage: { kind: 'sqlite', directory } });
  await createAccount(service, 'first');
  await createAccount(service, 'second');
  await service.close();
}

function sql(directory: string, statement: string): unknown {
  const db = new Database(join(directory, 'mesh.db'));
  try {
    return db.prepare(statement).all();
  } catch {
    return db.prepare(statement).run();
  } finally {
    db.close();
  }
}

const open = (directory: string, init?: boolean) =>
  buildService({ storage: { kind: 'sqlite', directory }, ...(init === true && { init }) });

describe('the last signed checkpoint', () => {
  it('is stored, and an untouched log starts again', async () => {
    const directory = dataDirectory();
    await twoRecords(directory);
    const [row] = sql(
      directory,
      `SELECT value FROM service_secrets WHERE name = '${LAST_CHECKPOINT}'`,
    ) as { value: string }[];
    expect(parseCheckpointValue(row!.value).TreeSize).toBe(2);
    const again = await open(directory);
    await createAccount(again, 'third');
    await again.close();
  });

  it('refuses a log altered since (a record swapped), unless init is given', async () => {
    const directory = dataDirectory();
    await twoRecords(directory);
    sql(
      directory,
      'UPDATE log SET leaf_hash = (SELECT leaf_hash FROM log WHERE id = 2) WHERE id = 1',
    );
    await expect(open(directory)).rejects.toThrow(
      /does not match the last checkpoint the service signed.*--init/,
    );
    await expect(open(directory)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      details: { field: 'log', checkpointSize: 2 },
    });
    const accepted = await open(directory, true);
    await accepted.close();
    // Accepted: its checkpoint is now the one stored, and it starts without --init.
    const later = await open(directory);
    await later.close();
  });

  it('refuses a log rolled back since (records removed)', async () => {
    const directory = dataDirectory();
    await twoRecords(directory);
    sql(directory, 'DELETE FROM log WHERE id = 2');
    await expect(open(directory)).rejects.toThrow(
      /holds 1 transactions, fewer than the 2 of the last checkpoint.*--init/,
    );
  });

  it('refuses a damaged stored checkpoint', async () => {
    const directory = dataDirectory();
    await twoRecords(directory);
    sql(
      directory,
      `UPDATE service_secrets SET value = replace(value, 'mmm-checkpoint-v1', 'x') WHERE name = '${LAST_CHECKPOINT}'`,
    );
    await expect(open(directory)).rejects.toThrow(/last signed checkpoint is damaged.*--init/);
  });
});
