/**
 * Kill-and-restart durability (docs/architecture.md section 6): SIGKILL the service mid-write
 * several times; nothing acknowledged is lost and the log verifies after each restart. The
 * many-kills version is durability.slow.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, postgresUrl } from './support/backends';
import { killAndRestart } from './durability';

describe('kill-and-restart durability', () => {
  it('SQLite: 6 kills mid-write lose nothing acknowledged', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mesh-durability-'));
    try {
      const { acknowledged } = await killAndRestart({
        storageArgs: ['--data', directory],
        kills: 6,
        writers: 4,
        writeMs: [150, 400],
      });
      expect(acknowledged).toBeGreaterThan(20);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(postgresUrl === undefined)(
    'PostgreSQL: 3 kills mid-write lose nothing acknowledged',
    async () => {
      const schema = freshSchema();
      try {
        const { acknowledged } = await killAndRestart({
          storageArgs: ['--postgres', postgresUrl as string, '--postgres-schema', schema],
          kills: 3,
          writers: 4,
          writeMs: [150, 400],
        });
        expect(acknowledged).toBeGreaterThan(10);
      } finally {
        await dropSchema(schema);
      }
    },
    120_000,
  );
});
