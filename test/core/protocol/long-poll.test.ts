import { afterEach, describe, expect, it } from 'vitest';
import { awaitConnectionResult, longPoll } from '../../../electron/core/protocol/long-poll';
import { MeshServiceClient } from '../../../electron/core/protocol/mesh-service-client';
import { meshAnswer, startFakeService, type FakeService } from './fake-service';
import { testSigner } from './test-signer';

const services: FakeService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

const result = { Identifier: testSigner().key.udf, SignedData: 'e30.e30.sig' };

describe('long polling ConnectStatus', () => {
  it('completes within moments of the approval, while the request is held', async () => {
    // The service holds each ConnectStatus until approved or WaitSeconds pass.
    const held: Array<() => void> = [];
    let approved = false;
    const service = await startFakeService((request) => {
      if (approved)
        return meshAnswer('ConnectStatusResponse', 200, { Pending: false, Result: result });
      return new Promise((resolve) => {
        const timer = setTimeout(
          () => resolve(meshAnswer('ConnectStatusResponse', 200, { Pending: true })),
          Number(request.fields.WaitSeconds) * 1000,
        );
        held.push(() => {
          clearTimeout(timer);
          resolve(meshAnswer('ConnectStatusResponse', 200, { Pending: false, Result: result }));
        });
      });
    });
    services.push(service);
    const { signer } = testSigner('alice');
    const client = new MeshServiceClient({ url: service.url, signer });
    const waiting = awaitConnectionResult(
      client,
      { AccountID: 'alice', DeviceID: signer.device },
      { totalSeconds: 20, maxWaitSeconds: 10 },
    );
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 200));
    const approvedAt = Date.now();
    approved = true;
    held.forEach((release) => release());
    const answer = await waiting;
    expect(Date.now() - approvedAt).toBeLessThan(1_000);
    expect(answer).toMatchObject({ Pending: false, Result: result });
    expect(service.requests).toHaveLength(1);
    expect(service.requests[0]?.fields.WaitSeconds).toBe(10);
    expect(service.requests[0]?.headers.authorization).toBeDefined();
  });

  it('returns Pending when the budget runs out, pacing a service that does not hold', async () => {
    const service = await startFakeService(() =>
      meshAnswer('ConnectStatusResponse', 200, { Pending: true }),
    );
    services.push(service);
    const { signer } = testSigner('alice');
    const client = new MeshServiceClient({ url: service.url, signer });
    const started = Date.now();
    const answer = await awaitConnectionResult(
      client,
      { AccountID: 'alice', DeviceID: signer.device },
      { totalSeconds: 1.5, minIntervalMs: 100 },
    );
    expect(answer.Pending).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - started).toBeLessThan(3_000);
    // 100, 200, 400, 800 ms gaps: a handful of polls, not hundreds.
    expect(service.requests.length).toBeGreaterThanOrEqual(3);
    expect(service.requests.length).toBeLessThanOrEqual(7);
  });

  it('can be cancelled while waiting', async () => {
    const controller = new AbortController();
    const polls: number[] = [];
    const pending = longPoll(
      async (waitSeconds) => {
        polls.push(waitSeconds);
        return 'pending';
      },
      (answer) => answer === 'done',
      { totalSeconds: 60, signal: controller.signal, minIntervalMs: 10_000 },
    ).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ code: 'CANCELLED' });
    expect(polls).toEqual([30]);
  });

  it('gives each poll a timeout longer than its wait', async () => {
    const seen: Array<[number, number]> = [];
    await longPoll(
      async (waitSeconds, timeoutMs) => {
        seen.push([waitSeconds, timeoutMs]);
        return true;
      },
      (done) => done,
      { totalSeconds: 5, maxWaitSeconds: 30, graceMs: 2_000 },
    );
    expect(seen).toEqual([[5, 7_000]]);
  });
});
