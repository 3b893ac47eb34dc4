/**
 * `npm run service` (service/cli.ts, service/main.ts): flags and environment variables, usage
 * errors, HTTPS, and a clean stop on SIGTERM/SIGINT once requests in flight are answered.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../service/config';
import { HELP, parseSettings, run, UsageError } from '../../service/cli';
import { spawnService, stopService } from './support/child-service';
import { TestClient } from './support/client';
import { connectionRequest, makeDevice, TestUser } from './support/identity';

const fixtures = join(process.cwd(), 'test', 'service', 'fixtures', 'tls');

describe('service settings', () => {
  it('has defaults', () => {
    expect(parseSettings([], {})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      data: resolve('mesh-service-data'),
      allowPlainHttp: false,
      maxBody: DEFAULT_LIMITS.maxRequestBytes,
      logLevel: 'info',
      rate: DEFAULT_LIMITS.requestsPerSecond,
      burst: DEFAULT_LIMITS.requestBurst,
      transferAccounts: [],
      trustedProxies: [],
      allowOrigins: [],
      allowHosts: [],
      quota: DEFAULT_LIMITS.accountQuotaBytes,
    });
  });

  it('reads the hardening flags: trusted proxies, allowed origins and hosts, invitations, quota', () => {
    expect(
      parseSettings(
        [
          '--trusted-proxy',
          '10.0.0.1',
          '--trusted-proxy=10.0.0.2',
          '--allow-origin',
          'https://mesh.example',
          '--invitations',
          'codes.txt',
          '--quota',
          '0',
        ],
        { MESH_SERVICE_ALLOW_HOSTS: 'mesh.internal:8080' },
      ),
    ).toMatchObject({
      trustedProxies: ['10.0.0.1', '10.0.0.2'],
      allowOrigins: ['https://mesh.example'],
      allowHosts: ['mesh.internal:8080'],
      invitations: resolve('codes.txt'),
      quota: 0,
    });
  });

  it('reads environment variables, and flags win over them', () => {
    const env = {
      MESH_SERVICE_PORT: '9000',
      MESH_SERVICE_HOST: '::1',
      MESH_SERVICE_DATA: '/tmp/x',
      MESH_SERVICE_POSTGRES: 'postgres://db/mesh',
      MESH_SERVICE_POSTGRES_SCHEMA: 'mesh',
      MESH_SERVICE_MAX_BODY: '2048',
      MESH_SERVICE_LOG_LEVEL: 'debug',
      MESH_SERVICE_RATE: '0',
      MESH_SERVICE_BURST: '5',
      MESH_SERVICE_TRANSFER_ACCOUNTS: 'audit, backup',
      MESH_SERVICE_TLS_CERT: 'c.pem',
      MESH_SERVICE_TLS_KEY: 'k.pem',
    };
    expect(parseSettings([], env)).toMatchObject({
      port: 9000,
      host: '::1',
      data: '/tmp/x',
      postgres: 'postgres://db/mesh',
      postgresSchema: 'mesh',
      maxBody: 2048,
      logLevel: 'debug',
      rate: 0,
      burst: 5,
      transferAccounts: ['audit', 'backup'],
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
    });
    expect(
      parseSettings(
        ['--port', '0', '--max-body=100', '--transfer-account', 'more', '--log-level', 'warn'],
        env,
      ),
    ).toMatchObject({
      port: 0,
      maxBody: 100,
      transferAccounts: ['audit', 'backup', 'more'],
      logLevel: 'warn',
    });
    expect(parseSettings(['--help'], env)).toBe('help');
  });

  it('refuses bad arguments with a usage error', () => {
    const bad: string[][] = [
      ['--port', 'eighty'],
      ['--port', '70000'],
      ['--max-body', '0'],
      ['--log-level', 'loud'],
      ['--tls-cert', 'c.pem'],
      ['--frobnicate'],
      ['--port'],
      ['--postgres-schema', 'Bad-Name'],
      ['stray'],
    ];
    for (const argv of bad)
      expect(() => parseSettings(argv, {}), argv.join(' ')).toThrow(UsageError);
  });

  it('run: --help prints the help; a usage error exits 2; plain HTTP off loopback exits 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
    expect(await run(['--help'], {}, io, Promise.resolve())).toBe(0);
    expect(out.join('')).toBe(HELP);
    expect(HELP).toMatch(/--tls-cert/);
    expect(await run(['--port', 'x'], {}, io, Promise.resolve())).toBe(2);
    expect(err.join('')).toMatch(/--port must be a whole number/);
    expect(await run(['--host', '0.0.0.0'], {}, io, Promise.resolve())).toBe(2);
    expect(err.join('')).toMatch(/plain HTTP is for loopback only/);
  });
});

describe('the service process', () => {
  const directories: string[] = [];
  const directory = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'mesh-cli-'));
    directories.push(made);
    return made;
  };
  afterAll(() => {
    for (const made of directories) rmSync(made, { recursive: true, force: true });
  });

  it('creates its data directory, prints the listening line first, then JSON logs', async () => {
    const data = join(directory(), 'nested', 'data');
    const service = await spawnService(['--port', '0', '--data', data]);
    const hello = await new TestClient(service.url).call('Hello', {});
    expect(hello.httpStatus).toBe(200);
    expect(await stopService(service, 'SIGINT')).toBe(0);
    const lines = service.output().trim().split('\n');
    expect(lines[0]).toMatch(/^mesh service listening on http:\/\/127\.0\.0\.1:\d+$/);
    const logs = lines.slice(1).map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(logs.map((log) => log.msg)).toEqual(['started', 'stopping', 'stopped']);
    expect(readFileSync(join(data, 'mesh.db')).length).toBeGreaterThan(0);
  }, 30_000);

  it('serves HTTPS with --tls-cert and --tls-key', async () => {
    const service = await spawnService([
      '--port',
      '0',
      '--data',
      directory(),
      '--tls-cert',
      join(fixtures, 'cert.pem'),
      '--tls-key',
      join(fixtures, 'key.pem'),
    ]);
    try {
      expect(service.url).toMatch(/^https:\/\//);
      const url = new URL(`${service.url}/.well-known/mmm/`);
      const body = await new Promise<string>((done, fail) => {
        const request = httpsRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            ca: readFileSync(join(fixtures, 'cert.pem')),
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            response.on('end', () => done(text));
          },
        );
        request.on('error', fail);
        request.end('{"HelloRequest":{}}');
      });
      expect(JSON.parse(body)).toMatchObject({ HelloResponse: { Status: 200 } });
    } finally {
      await stopService(service);
    }
  }, 30_000);

  it('on SIGTERM answers the requests in flight (a long poll at once) and exits 0', async () => {
    const service = await spawnService(['--port', '0', '--data', directory(), '--rate', '0']);
    const client = new TestClient(service.url);
    const user = await TestUser.create();
    await client.call(
      'CreateAccount',
      { Account: 'alice', Profile: await user.profile() },
      { account: 'alice', device: user.device },
    );
    const phone = await makeDevice('phone');
    const { signed } = await connectionRequest(phone, user.master.udf);
    expect(
      (await client.call('ConnectStart', { AccountID: 'alice', SignedRequest: signed })).httpStatus,
    ).toBe(201);
    const polling = client.call(
      'ConnectStatus',
      { AccountID: 'alice', DeviceID: phone.udf, WaitSeconds: 50 },
      { account: 'alice', device: phone },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = performance.now();
    service.child.kill('SIGTERM');
    const answer = await polling;
    expect(answer.payload).toMatchObject({ Status: 200, Pending: true });
    expect(await service.exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(5000);
  }, 30_000);

  it('refuses to start a second process on the same data directory', async () => {
    const data = directory();
    const first = await spawnService(['--port', '0', '--data', data]);
    try {
      await expect(spawnService(['--port', '0', '--data', data])).rejects.toThrow(
        /another service process is using/,
      );
    } finally {
      await stopService(first);
    }
  }, 30_000);
});
