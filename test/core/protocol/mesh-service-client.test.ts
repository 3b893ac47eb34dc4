import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyDetached } from '../../../shared/crypto/jws';
import { isMeshError } from '../../../shared/errors';
import {
  authenticationInput,
  decodeAuthenticationSignature,
  parseAuthorization,
} from '../../../shared/protocol/authentication';
import { MeshServiceClient } from '../../../electron/core/protocol/mesh-service-client';
import { errorCodeForStatus } from '../../../electron/core/protocol/service-errors';
import { FakeLog } from './fake-log';
import { meshAnswer, startFakeService, type FakeHandler, type FakeService } from './fake-service';
import { testSigner, uploadRequest } from './test-signer';

const services: FakeService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

async function serve(handler: FakeHandler): Promise<FakeService> {
  const service = await startFakeService(handler);
  services.push(service);
  return service;
}

const fast = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const log = new FakeLog().append('a', 'b');
const hello = meshAnswer('HelloResponse', 200, log.hello());

async function failure(promise: Promise<unknown>) {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isMeshError(error)) throw new Error(`expected a MeshError, got ${String(error)}`);
  return error;
}

describe('MeshServiceClient: envelope and validation', () => {
  it('posts {"HelloRequest":{}} as JSON and returns the validated response', async () => {
    const service = await serve(() => hello);
    const client = new MeshServiceClient({ url: service.url });
    const response = await client.call('Hello', {});
    expect(response.ServiceKey.UDF).toBe(log.key.udf);
    const [request] = service.requests;
    expect(request?.path).toBe('/.well-known/mmm/');
    expect(request?.body.toString()).toBe('{"HelloRequest":{}}');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('refuses a request that does not match its schema before sending it', async () => {
    const service = await serve(() => hello);
    const client = new MeshServiceClient({ url: service.url });
    const error = await failure(
      client.call('Status', { FromTreeSize: -1 } as unknown as Record<string, never>),
    );
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(error.details.field).toBe('StatusRequest.FromTreeSize');
    expect(service.requests).toHaveLength(0);
  });

  it.each([
    ['not JSON', { body: '{"HelloResponse": ' }],
    ['another message', meshAnswer('GetResponse', 200, { DataItems: [] })],
    ['two members', { body: { HelloResponse: {}, Other: {} } }],
    ['a missing field', meshAnswer('HelloResponse', 200, { Version: { Major: 1, Minor: 0 } })],
    ['an empty body', { body: '' }],
    ['a success without its message', meshAnswer('MeshResponse', 200)],
  ])('reports a malformed response (%s) as SERVICE_ERROR', async (_, answer) => {
    const service = await serve(() => answer);
    const client = new MeshServiceClient({ url: service.url, retry: fast });
    const error = await failure(client.call('Hello', {}));
    expect(error.code).toBe('SERVICE_ERROR');
    expect(error.details.reason).toBe('malformed-response');
    expect(error.message).toContain('malformed HelloResponse');
    expect(service.requests).toHaveLength(1); // a malformed answer is not retried
  });

  it('names the missing field of a malformed response', async () => {
    const service = await serve(() => meshAnswer('HelloResponse', 200, { Version: {} }));
    const client = new MeshServiceClient({ url: service.url });
    const error = await failure(client.call('Hello', {}));
    expect(error.message).toContain('HelloResponse.Version.Major');
  });

  it('refuses an answer larger than the cap', async () => {
    const service = await serve(() => ({ body: 'x'.repeat(10_000) }));
    const client = new MeshServiceClient({ url: service.url, maxResponseBytes: 1_000 });
    const error = await failure(client.call('Hello', {}));
    expect(error).toMatchObject({
      code: 'SERVICE_ERROR',
      details: { reason: 'response-too-large' },
    });
  });

  it('refuses a request larger than the service accepts, without sending it', async () => {
    const service = await serve(() => hello);
    const { signer } = testSigner();
    const client = new MeshServiceClient({ url: service.url, signer, maxRequestBytes: 100 });
    const request = uploadRequest();
    request.Updates[0]!.Entries[0]!.Payload = 'p'.repeat(200);
    expect((await failure(client.call('Upload', request))).code).toBe('TOO_LARGE');
    expect(service.requests).toHaveLength(0);
  });
});

describe('MeshServiceClient: failure statuses', () => {
  it.each([
    [401, 'UNAUTHORIZED'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [413, 'TOO_LARGE'],
    [400, 'INVALID_MESSAGE'],
    [500, 'SERVICE_ERROR'],
  ] as const)('status %i in the payload is %s', async (status, code) => {
    const service = await serve(() => meshAnswer('MeshResponse', status, {}, 'told you so'));
    const client = new MeshServiceClient({ url: service.url, retry: fast });
    const error = await failure(client.call('Hello', {}));
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ transaction: 'Hello', status });
    expect(error.message).toContain('told you so');
  });

  it('takes the payload status over the HTTP status', async () => {
    const service = await serve(() => ({ ...meshAnswer('MeshResponse', 404), status: 200 }));
    const client = new MeshServiceClient({ url: service.url });
    expect((await failure(client.call('Hello', {}))).code).toBe('NOT_FOUND');
  });

  it('reads 409 as ALREADY_EXISTS for CreateAccount and CONFLICT elsewhere', () => {
    expect(errorCodeForStatus('CreateAccount', 409)).toBe('ALREADY_EXISTS');
    expect(errorCodeForStatus('Upload', 409)).toBe('CONFLICT');
    expect(errorCodeForStatus('Publish', 409)).toBe('CONFLICT');
  });

  it('gives Upload conflicts with their fields through exchange()', async () => {
    const service = await serve(() =>
      meshAnswer(
        'UploadResponse',
        409,
        {
          ContainerStatus: [{ Container: 'mmm_Password', Index: 3, Digest: 'AAAA' }],
          Entries: [{ Container: 'mmm_Password', IndexRequest: 0, Result: 'Conflict' }],
        },
        'mmm_Password has moved on',
      ),
    );
    const { signer } = testSigner();
    const client = new MeshServiceClient({ url: service.url, signer });
    const answer = await client.exchange('Upload', uploadRequest());
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.status).toBe(409);
    expect(answer.message).toMatchObject({ ContainerStatus: [{ Index: 3 }] });
    const error = await failure(client.call('Upload', uploadRequest()));
    expect(error.code).toBe('CONFLICT');
  });

  it('reports a redirect with its URI, from the payload or from HTTP', async () => {
    let http = false;
    const service = await serve(() =>
      http
        ? { status: 307, body: '<html>moved</html>', headers: { location: 'https://new.example/' } }
        : meshAnswer('MeshResponse', 303, {}, 'https://mesh.example.net/.well-known/mmm/'),
    );
    const client = new MeshServiceClient({ url: service.url });
    const fromPayload = await failure(client.call('Hello', {}));
    expect(fromPayload).toMatchObject({
      code: 'REDIRECT',
      details: { uri: 'https://mesh.example.net/.well-known/mmm/', status: 303 },
    });
    http = true;
    const fromHttp = await failure(client.call('Hello', {}));
    expect(fromHttp).toMatchObject({ code: 'REDIRECT', details: { uri: 'https://new.example/' } });
  });

  it('judges a non-Mesh error page by its HTTP status', async () => {
    const service = await serve(() => ({ status: 502, body: '<html>Bad gateway</html>' }));
    const client = new MeshServiceClient({ url: service.url, retry: fast });
    expect((await failure(client.call('Hello', {}))).code).toBe('SERVICE_ERROR');
  });
});

describe('MeshServiceClient: retries', () => {
  it('retries 503 with backoff, then succeeds', async () => {
    const service = await serve((request) =>
      service.requests.length < 3
        ? meshAnswer('MeshResponse', 503, {}, 'busy')
        : request.name === 'HelloRequest'
          ? hello
          : meshAnswer('MeshResponse', 400),
    );
    const client = new MeshServiceClient({ url: service.url, retry: fast });
    await client.call('Hello', {});
    expect(service.requests).toHaveLength(3);
  });

  it('gives up after maxAttempts with OVERLOADED', async () => {
    const service = await serve(() => ({ status: 503, body: 'Service Unavailable' }));
    const client = new MeshServiceClient({ url: service.url, retry: fast });
    const error = await failure(client.call('Hello', {}));
    expect(error.code).toBe('OVERLOADED');
    expect(service.requests).toHaveLength(4);
  });

  it('waits at least what Retry-After asks (up to the cap)', async () => {
    const service = await serve(() =>
      service.requests.length === 1
        ? { status: 503, body: 'busy', headers: { 'retry-after': '1' } }
        : hello,
    );
    const client = new MeshServiceClient({
      url: service.url,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 300 },
    });
    const started = Date.now();
    await client.call('Hello', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('retries an idempotent request after a dropped connection', async () => {
    const service = await serve(() => (service.requests.length === 1 ? 'reset' : hello));
    const client = new MeshServiceClient({ url: service.url, retry: fast });
    await client.call('Hello', {});
    expect(service.requests).toHaveLength(2);
  });

  it('does not resend a state-changing request that may have arrived', async () => {
    const service = await serve(() => 'reset');
    const { signer } = testSigner();
    const client = new MeshServiceClient({ url: service.url, signer, retry: fast });
    const error = await failure(client.call('Upload', uploadRequest()));
    expect(error).toMatchObject({ code: 'NETWORK', details: { sent: true } });
    expect(service.requests).toHaveLength(1);
  });

  it('retries a state-changing request refused with 503 (it was not handled)', async () => {
    const service = await serve(() =>
      service.requests.length === 1
        ? meshAnswer('MeshResponse', 503)
        : meshAnswer('UploadResponse', 200, {
            Entries: [
              { Container: 'mmm_Password', IndexRequest: 0, IndexContainer: 1, Result: 'Accept' },
            ],
            ContainerStatus: [{ Container: 'mmm_Password', Index: 1, Digest: 'AAAA' }],
            TransactionID: 7,
          }),
    );
    const { signer } = testSigner();
    const client = new MeshServiceClient({ url: service.url, signer, retry: fast });
    const response = await client.call('Upload', uploadRequest());
    expect(response.TransactionID).toBe(7);
    // Each attempt is signed afresh: a retried request is not a replayed nonce.
    const nonces = service.requests.map(
      (r) => parseAuthorization(String(r.headers.authorization)).nonce,
    );
    expect(new Set(nonces).size).toBe(2);
  });

  it('reports a refused connection as NETWORK, not sent, after retrying', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as { port: number };
    probe.close();
    await once(probe, 'close');
    const client = new MeshServiceClient({
      url: `http://127.0.0.1:${port}/.well-known/mmm/`,
      retry: fast,
    });
    const error = await failure(client.call('Hello', {}));
    expect(error).toMatchObject({
      code: 'NETWORK',
      details: { sent: false, reason: 'ECONNREFUSED' },
    });
  });
});

describe('MeshServiceClient: timeouts and cancellation', () => {
  it('times out on a service that never answers', async () => {
    const service = await serve(() => 'hang');
    const client = new MeshServiceClient({ url: service.url, timeoutMs: 200, retry: fast });
    const started = Date.now();
    const error = await failure(client.call('Hello', {}));
    expect(error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(service.requests).toHaveLength(1); // a timeout spends the caller's budget: no retry
  });

  it('stops at once when cancelled', async () => {
    const service = await serve(() => 'hang');
    const client = new MeshServiceClient({ url: service.url, timeoutMs: 30_000 });
    const controller = new AbortController();
    const pending = failure(client.call('Hello', {}, { signal: controller.signal }));
    while (service.requests.length === 0) await new Promise((r) => setImmediate(r));
    const started = Date.now();
    controller.abort();
    const error = await pending;
    expect(error.code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('stops waiting between retries when cancelled', async () => {
    const service = await serve(() => meshAnswer('MeshResponse', 503));
    const client = new MeshServiceClient({
      url: service.url,
      retry: { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      random: () => 0.99,
    });
    const controller = new AbortController();
    const pending = failure(client.call('Hello', {}, { signal: controller.signal }));
    while (service.requests.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect((await pending).code).toBe('CANCELLED');
    expect(service.requests).toHaveLength(1);
  });

  it('refuses to start when already cancelled', async () => {
    const service = await serve(() => hello);
    const client = new MeshServiceClient({ url: service.url });
    const error = await failure(client.call('Hello', {}, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('CANCELLED');
    expect(service.requests).toHaveLength(0);
  });
});

describe('MeshServiceClient: request signing (CONTRACTS section 3)', () => {
  it('signs account requests over the exact body with the device authentication key', async () => {
    const service = await serve(() => meshAnswer('DownloadResponse', 200, { Updates: [] }));
    const { key, signer } = testSigner('alice');
    const client = new MeshServiceClient({ url: service.url, signer });
    await client.call('Download', { Account: 'alice', Select: [{ Container: 'mmm_Password' }] });
    const [request] = service.requests;
    const fields = parseAuthorization(String(request?.headers.authorization));
    expect(fields.account).toBe('alice');
    expect(fields.device).toBe(signer.device);
    expect(Math.abs(Date.parse(fields.time) - Date.now())).toBeLessThan(10_000);
    const input = authenticationInput(fields, new Uint8Array(request!.body));
    expect(
      verifyDetached(input, decodeAuthenticationSignature(fields.signature), key.publicJwk),
    ).toBe(true);
    // A different body would not verify: the signature covers the body digest.
    const other = authenticationInput(fields, new TextEncoder().encode('{}'));
    expect(
      verifyDetached(other, decodeAuthenticationSignature(fields.signature), key.publicJwk),
    ).toBe(false);
  });

  it('signs Status only when it names an account', async () => {
    const service = await serve(() => ({ body: { StatusResponse: log.status() } }));
    const { signer } = testSigner('alice');
    const client = new MeshServiceClient({ url: service.url, signer });
    await client.call('Status', {});
    await client.call('Status', { Account: 'alice' });
    expect(service.requests.map((r) => r.headers.authorization !== undefined)).toEqual([
      false,
      true,
    ]);
  });

  it('refuses an account request without a device key (NOT_CONNECTED)', async () => {
    const service = await serve(() => hello);
    const client = new MeshServiceClient({ url: service.url });
    const error = await failure(
      client.call('Download', { Account: 'alice', Select: [{ Container: 'c' }] }),
    );
    expect(error.code).toBe('NOT_CONNECTED');
    expect(service.requests).toHaveLength(0);
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => new MeshServiceClient({ url: 'ftp://example.com/' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
