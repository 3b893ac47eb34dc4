/**
 * Malformed and replayed requests (service/transactions/dispatch.ts, shared/protocol/json-limits.ts,
 * service/auth/authenticate.ts, get.ts), over real loopback HTTP: deep nesting is refused before
 * parsing, bodies that are not UTF-8 are refused, a replay at the very edge of the time window and
 * a read replayed after a restart are refused, Get cannot list every account nor make a page of
 * megabytes, and a malformed escrow entry is 400.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomNonce } from '../../../shared/udf';
import type { RunningService } from '../../../service/start';
import { startService } from '../../../service/start';
import { authorizationFor, TestClient } from '../support/client';
import { TestUser } from '../support/identity';

describe('malformed and replayed requests', () => {
  let directory: string;
  let running: RunningService;
  let client: TestClient;
  let user: TestUser;
  let now = Date.now();

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'mesh-malformed-'));
    running = await startService({
      storage: { kind: 'sqlite', directory },
      limits: { requestsPerSecond: 0 },
      clock: () => now,
    });
    client = new TestClient(running.url);
    user = await TestUser.create();
    const created = await client.call(
      'CreateAccount',
      { Account: 'target', Profile: await user.profile() },
      { account: 'target', device: user.device, time: new Date(now) },
    );
    expect(created.httpStatus).toBe(201);
  });

  afterAll(async () => {
    await running.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('a 1 MiB [[[...]]] body is refused before parsing, and Hello stays quick', async () => {
    const depth = 500_000;
    const body = `{"HelloRequest":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const t0 = performance.now();
    const answer = await client.raw(body);
    const took = performance.now() - t0;
    expect(answer.httpStatus).toBe(400);
    expect(answer.payload.StatusDescription).toMatch(/nests deeper than 32/);
    const h0 = performance.now();
    expect((await client.call('Hello', {})).httpStatus).toBe(200);
    console.log(
      `deep body refused in ${took.toFixed(1)} ms; Hello after it ${(performance.now() - h0).toFixed(1)} ms`,
    );
  });

  it('a body that is not valid UTF-8 is refused, not stored with replacement characters', async () => {
    const prefix = Buffer.from('{"ValidateRequest":{"Account":"ab');
    const body = Buffer.concat([prefix, Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const answer = await client.raw(body);
    expect(answer.httpStatus).toBe(400);
    expect(answer.payload.StatusDescription).toMatch(/not valid UTF-8/);
  });

  it('a replay at exactly the edge of the time window is refused', async () => {
    const signedAt = new Date(now);
    const body = new TextEncoder().encode(JSON.stringify({ StatusRequest: { Account: 'target' } }));
    const authorization = authorizationFor(body, {
      account: 'target',
      device: user.device,
      time: signedAt,
      nonce: randomNonce(),
    });
    expect((await client.raw(body, { authorization })).httpStatus).toBe(200);
    now = signedAt.getTime() + 300_000; // the last instant the time check accepts
    const replay = await client.raw(body, { authorization });
    expect(replay.httpStatus).toBe(401);
    expect(replay.payload.StatusDescription).toMatch(/replay/);
    now = signedAt.getTime();
  });

  it('Get by Type alone cannot list every account; a page is at most 256 KiB', async () => {
    const all = await client.call('Get', {
      KeyValues: [{ Key: 'Type', Value: 'PersonalProfile' }],
    });
    expect(all.httpStatus).toBe(400);
    expect(all.payload.StatusDescription).toMatch(/Identifier, Account, Device or Name/);
    const none = await client.call('Get', {});
    expect(none.httpStatus).toBe(400);
    const mine = await client.call('Get', { Account: 'target' });
    expect(mine.httpStatus).toBe(200);
    expect(Buffer.byteLength(mine.text)).toBeLessThan(256 * 1024);
  });

  it('a malformed escrow entry is 400, never 500', async () => {
    const entry = (encrypted: unknown) => ({
      Account: 'target',
      EscrowEntry: { Identifier: randomNonce(), EncryptedData: encrypted },
    });
    for (const encrypted of [
      {},
      { recipients: [] },
      { recipients: [{}], protected: '!!', iv: 1, ciphertext: null, tag: [] },
      'not an object',
    ]) {
      const answer = await client.call('Publish', entry(encrypted) as never, {
        account: 'target',
        device: user.device,
        time: new Date(now),
      });
      expect(answer.httpStatus).toBe(400);
    }
  });

  it('the nonce of a read request survives a restart', async () => {
    const body = new TextEncoder().encode(JSON.stringify({ StatusRequest: { Account: 'target' } }));
    const authorization = authorizationFor(body, {
      account: 'target',
      device: user.device,
      time: new Date(now),
      nonce: randomNonce(),
    });
    expect((await client.raw(body, { authorization })).httpStatus).toBe(200);
    await running.close();
    running = await startService({
      storage: { kind: 'sqlite', directory },
      limits: { requestsPerSecond: 0 },
      clock: () => now,
    });
    client = new TestClient(running.url);
    const replay = await client.raw(body, { authorization });
    expect(replay.httpStatus).toBe(401);
    expect(replay.payload.StatusDescription).toMatch(/replay/);
  });
});
