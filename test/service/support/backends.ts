/**
 * The storage backends every service test runs against (docs/architecture.md section 6): SQLite in
 * a fresh directory, and PostgreSQL in a fresh schema of the database `node test/run.mjs` starts
 * (MESH_TEST_POSTGRES_URL). Without that variable the PostgreSQL cases are skipped with a
 * message - unless CI is 'true', where its absence fails the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StorageOptions } from '../../../service/config';

export const postgresUrl = process.env.MESH_TEST_POSTGRES_URL;

if (postgresUrl === undefined) {
  if (process.env.CI === 'true') {
    throw new Error('MESH_TEST_POSTGRES_URL is not set: run the tests with `node test/run.mjs`');
  }
  console.warn(
    'service tests: MESH_TEST_POSTGRES_URL is not set, PostgreSQL cases are skipped (run `node test/run.mjs`)',
  );
}

/** A place to keep a service's state, and how to throw it away. */
export interface TestStorage {
  readonly options: StorageOptions;
  dispose(): Promise<void>;
}

/** A backend the tests can run on. */
export interface BackendCase {
  readonly name: 'sqlite' | 'postgres';
  readonly available: boolean;
  create(): Promise<TestStorage>;
}

let schemaCounter = 0;

/** A fresh PostgreSQL schema name. */
export function freshSchema(): string {
  return `t_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}`;
}

/** Drop a schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  if (postgresUrl === undefined) return;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

export const sqliteCase: BackendCase = {
  name: 'sqlite',
  available: true,
  create: async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-service-test-'));
    return {
      options: { kind: 'sqlite', directory },
      dispose: async () => rmSync(directory, { recursive: true, force: true }),
    };
  },
};

export const postgresCase: BackendCase = {
  name: 'postgres',
  available: postgresUrl !== undefined,
  create: async () => {
    const schema = freshSchema();
    return {
      options: { kind: 'postgres', url: postgresUrl as string, schema },
      dispose: () => dropSchema(schema),
    };
  },
};

/** Both backends. */
export const backendCases: readonly BackendCase[] = [sqliteCase, postgresCase];
