import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMeshError } from '../../../shared/errors';
import {
  isLoopbackHost,
  parseAccountAddress,
} from '../../../electron/core/protocol/account-address';
import { chooseSrv, discoverService } from '../../../electron/core/protocol/discovery';
import { MeshServiceClient } from '../../../electron/core/protocol/mesh-service-client';
import { FakeLog } from './fake-log';
import { meshAnswer, startFakeService, type FakeService } from './fake-service';
import { startLoopbackDns, type LoopbackDns } from './loopback-dns';

let dnsServer: LoopbackDns;
let service: FakeService;
beforeAll(async () => {
  dnsServer = await startLoopbackDns();
  service = await startFakeService(() => meshAnswer('HelloResponse', 200, new FakeLog().hello()));
});
afterAll(async () => {
  await dnsServer.close();
  await service.close();
});

describe('account addresses (CONTRACTS section 4)', () => {
  it('parses local@host, local@host:port and local@[v6]:port', () => {
    expect(parseAccountAddress('Alice@Example.COM')).toEqual({
      account: 'alice',
      host: 'example.com',
      port: undefined,
      service: 'example.com',
      text: 'alice@example.com',
    });
    expect(parseAccountAddress('bob@127.0.0.1:8080')).toMatchObject({
      account: 'bob',
      host: '127.0.0.1',
      port: 8080,
    });
    expect(parseAccountAddress('carol@[::1]:9')).toMatchObject({
      host: '::1',
      port: 9,
      service: '[::1]:9',
      text: 'carol@[::1]:9',
    });
  });

  it.each([
    'alice',
    '@example.com',
    'alice@',
    'al ice@example.com',
    'alice@exa_mple.com',
    'alice@host:0',
    'alice@host:70000',
    'alice@[nothost]:1',
    'alice@host:x',
  ])('refuses %s', (text) => {
    expect(() => parseAccountAddress(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('knows loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', 'LOCALHOST.']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['example.com', '10.0.0.1', '::2', 'localhost.example.com']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});

describe('service discovery (draft-hallambaker-mesh-reference-03 section 7)', () => {
  it('finds the service through DNS SRV _mmm._tcp and talks to it', async () => {
    dnsServer.srv.set('_mmm._tcp.example.test', [
      { priority: 10, weight: 5, port: service.port, target: 'localhost' },
    ]);
    const resolver = dnsServer.resolver();
    const endpoint = await discoverService(parseAccountAddress('alice@example.test'), { resolver });
    expect(endpoint).toEqual({
      url: `http://localhost:${service.port}/.well-known/mmm/`,
      via: 'srv',
    });
    const client = await MeshServiceClient.forAccount('alice@example.test', { resolver });
    const hello = await client.call('Hello', {});
    expect(hello.Version.Major).toBe(1);
    expect(dnsServer.queries).toContain('_mmm._tcp.example.test');
  });

  it('uses https for a non-loopback SRV target', async () => {
    dnsServer.srv.set('_mmm._tcp.remote.test', [
      { priority: 1, weight: 1, port: 8443, target: 'mesh.remote.test' },
    ]);
    const endpoint = await discoverService(parseAccountAddress('alice@remote.test'), {
      resolver: dnsServer.resolver(),
    });
    expect(endpoint.url).toBe('https://mesh.remote.test:8443/.well-known/mmm/');
  });

  it('falls back to https://host/.well-known/mmm/ without SRV records', async () => {
    const endpoint = await discoverService(parseAccountAddress('alice@nosrv.test'), {
      resolver: dnsServer.resolver(),
    });
    expect(endpoint).toEqual({ url: 'https://nosrv.test/.well-known/mmm/', via: 'well-known' });
    expect(dnsServer.queries).toContain('_mmm._tcp.nosrv.test');
  });

  it('falls back when DNS does not answer', async () => {
    dnsServer.silent = true;
    try {
      const endpoint = await discoverService(parseAccountAddress('alice@silent.test'), {
        resolver: dnsServer.resolver({ timeout: 100, tries: 1 }),
      });
      expect(endpoint.via).toBe('well-known');
    } finally {
      dnsServer.silent = false;
    }
  });

  it('can be cancelled while DNS is silent', async () => {
    dnsServer.silent = true;
    try {
      const controller = new AbortController();
      const pending = discoverService(parseAccountAddress('alice@slow.test'), {
        resolver: dnsServer.resolver({ timeout: 5_000, tries: 2 }),
        signal: controller.signal,
      }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 50);
      const error = await pending;
      expect(isMeshError(error, 'CANCELLED')).toBe(true);
    } finally {
      dnsServer.silent = false;
    }
  });

  it('reports a domain that declines the service (SRV target ".")', async () => {
    dnsServer.srv.set('_mmm._tcp.declined.test', [
      { priority: 0, weight: 0, port: 0, target: '.' },
    ]);
    await expect(
      discoverService(parseAccountAddress('alice@declined.test'), {
        resolver: dnsServer.resolver(),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('goes straight to an address with a port, http only on loopback', async () => {
    const before = dnsServer.queries.length;
    const resolver = dnsServer.resolver();
    const at = async (text: string) =>
      (await discoverService(parseAccountAddress(text), { resolver })).url;
    expect(await at('alice@127.0.0.1:8080')).toBe('http://127.0.0.1:8080/.well-known/mmm/');
    expect(await at('alice@localhost:8080')).toBe('http://localhost:8080/.well-known/mmm/');
    expect(await at('alice@[::1]:8080')).toBe('http://[::1]:8080/.well-known/mmm/');
    expect(await at('alice@example.com:8443')).toBe('https://example.com:8443/.well-known/mmm/');
    expect(await at('alice@192.0.2.7')).toBe('https://192.0.2.7/.well-known/mmm/');
    expect(dnsServer.queries.length).toBe(before);
  });

  it('chooses among SRV records by priority, then weight (RFC 2782)', () => {
    const records = [
      { name: 'backup', port: 1, priority: 20, weight: 100 },
      { name: 'light', port: 1, priority: 10, weight: 1 },
      { name: 'heavy', port: 1, priority: 10, weight: 3 },
    ];
    expect(chooseSrv(records, () => 0).name).toBe('light');
    expect(chooseSrv(records, () => 0.3).name).toBe('heavy');
    expect(chooseSrv(records, () => 0.99).name).toBe('heavy');
    const counts = { light: 0, heavy: 0 } as Record<string, number>;
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 4000; i++) counts[chooseSrv(records, random).name]! += 1;
    expect(counts.heavy! / 4000).toBeGreaterThan(0.7);
    expect(counts.heavy! / 4000).toBeLessThan(0.8);
  });
});
