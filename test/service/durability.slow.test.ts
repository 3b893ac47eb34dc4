/**
 * Kill-and-restart durability at length (slow suite: `npx vitest run --config ... *.slow.test.ts`
 * or `node test/run.mjs test/service/durability.slow.test.ts`): many SIGKILLs mid-write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, postgresUrl } from './support/backends';
import { killAndRestart } from './durability';

describe('kill-and-restart durability, many kills', () => {
  it('SQLite: 40 kills', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-durability-'));
    try {
      const { acknowledged } = await killAndRestart({
        storageArgs: ['--data', directory],
        kills: 40,
        writers: 8,
        writeMs: [50, 600],
      });
      expect(acknowledged).toBeGreaterThan(200);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 900_000);

  it.skipIf(postgresUrl === undefined)(
    'PostgreSQL: 20 kills',
    async () => {
      const schema = freshSchema();
      try {
        const { acknowledged } = await killAndRestart({
          storageArgs: ['--postgres', postgresUrl as string, '--postgres-schema', schema],
          kills: 20,
          writers: 8,
          writeMs: [50, 600],
        });
        expect(acknowledged).toBeGreaterThan(100);
      } finally {
        await dropSchema(schema);
      }
    },
    900_000,
  );
});
