/**
 * The HTTP binding under attack (service/http/server.ts, docs/protocol.md "HTTP binding"), over
 * real loopback sockets: idle sockets are closed, connections are capped in total and per source,
 * Hello is answered with 1,000 idle connections open, a streamed oversized body reads its 413,
 * shutdown has a deadline, and requests a web page could send are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceOptions } from '../../../service/config';
import { sourceOf } from '../../../service/http/server';
import type { RunningService } from '../../../service/start';
import { startService } from '../../../service/start';

const HELLO = '{"HelloRequest":{}}';
let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function service(options: Partial<ServiceOptions> = {}): Promise<RunningService> {
  const directory = mkdtempSync(join(tmpdir(), 'mesh-conn-'));
  const running = await startService({ storage: { kind: 'sqlite', directory }, ...options });
  cleanup.push(async () => {
    await running.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return running;
}

/** A socket that connected (or was closed by the service before or right after it did). */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readyState === 'closed') resolve();
    else socket.once('close', () => resolve());
  });
}

/** POST a body with a raw HTTP/1.1 request on `socket`; resolve with the status line's code. */
function rawHello(socket: Socket, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match !== null) {
        socket.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(
      `POST /.well-known/mmm/ HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${HELLO.length}\r\n\r\n${HELLO}`,
    );
  });
}

async function hello(url: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${url}/.well-known/mmm/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: HELLO,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('connections', () => {
  it('a socket that sends nothing is closed after the idle timeout', async () => {
    const running = await service({ limits: { idleTimeoutMs: 300 } });
    const socket = await open(running.port);
    const t0 = performance.now();
    await closed(socket);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('one source has at most maxConnectionsPerSource connections; the others still work', async () => {
    const running = await service({ limits: { maxConnectionsPerSource: 5 } });
    const sockets = await Promise.all(Array.from({ length: 5 }, () => open(running.port)));
    const extra = await open(running.port);
    await closed(extra);
    expect(await rawHello(sockets[0] as Socket)).toBe(200);
    for (const socket of sockets) socket.destroy();
  });

  it('beyond maxConnections in total a new socket is closed at once', async () => {
    const running = await service({ limits: { maxConnections: 8 } });
    const sockets = await Promise.all(Array.from({ length: 8 }, () => open(running.port)));
    const extra = await open(running.port);
    await closed(extra);
    expect(await rawHello(sockets[7] as Socket)).toBe(200);
    for (const socket of sockets) socket.destroy();
  });

  it('Hello is answered with 1,000 idle connections open', async () => {
    // Each connection is two descriptors in this process (client and service side).
    const running = await service({
      limits: { maxConnectionsPerSource: 2000, idleTimeoutMs: 120_000, requestsPerSecond: 0 },
    });
    const sockets: Socket[] = [];
    for (let i = 0; i < 10; i++) {
      sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => open(running.port)))));
    }
    cleanup.push(async () => {
      for (const socket of sockets) socket.destroy();
    });
    expect(sockets.filter((socket) => !socket.destroyed)).toHaveLength(1000);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      expect(await hello(running.url)).toBe(200);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `Hello with 1000 idle connections: median ${times[10]?.toFixed(1)} ms, max ${times[19]?.toFixed(1)} ms`,
    );
    expect(sockets.filter((socket) => !socket.destroyed)).toHaveLength(1000);
    expect(times[10]).toBeLessThan(500);
  });
});

describe('a streamed oversized body', () => {
  it('reads its 413 every time (lingering close), 8 of 8', async () => {
    const running = await service({ limits: { maxRequestBytes: 64 * 1024 } });
    const target = new URL(`${running.url}/.well-known/mmm/`);
    for (let i = 0; i < 8; i++) {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < 2 * 1024 * 1024) {
            sent += chunk.length;
            if (!request.write(chunk)) {
              request.once('drain', pump);
              return;
            }
          }
          request.end();
        };
        pump();
      });
      expect(status).toBe(413);
    }
  });
});

describe('shutdown', () => {
  it('a client trickling a byte at a time does not hold shutdown past its deadline', async () => {
    const running = await service({ shutdownDeadlineMs: 300 });
    const socket = await open(running.port);
    socket.on('error', () => undefined);
    socket.write(
      'POST /.well-known/mmm/ HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const trickle = setInterval(() => socket.write(' '), 100);
    // The request has reached the service (its headers are in) before the shutdown starts.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const t0 = performance.now();
    await running.close();
    const took = performance.now() - t0;
    clearInterval(trickle);
    socket.destroy();
    console.log(`shutdown with a trickling client: ${took.toFixed(0)} ms`);
    expect(took).toBeLessThan(3000);
  });
});

describe('requests a web page could send', () => {
  it('are refused: a foreign Origin, a non-JSON content type, a Host that is not loopback', async () => {
    const running = await service();
    expect(await hello(running.url)).toBe(200);
    expect(await hello(running.url, { origin: 'https://evil.example' })).toBe(400);
    expect(await hello(running.url, { 'content-type': 'text/plain' })).toBe(400);
    const socket = await open(running.port);
    expect(await rawHello(socket, 'evil.example')).toBe(400);
    socket.destroy();
  });

  it('an operator can allow a web client origin', async () => {
    const running = await service({ allowedOrigins: ['https://mesh.example'] });
    expect(await hello(running.url, { origin: 'https://mesh.example' })).toBe(200);
    expect(await hello(running.url, { origin: 'https://evil.example' })).toBe(400);
  });
});

describe('the source of a request', () => {
  it('is the peer unless the peer is a trusted proxy', () => {
    const trusted = new Set(['10.0.0.1', '10.0.0.2']);
    expect(sourceOf('::ffff:192.0.2.9', '203.0.113.1', trusted)).toBe('192.0.2.9');
    expect(sourceOf('10.0.0.1', '203.0.113.1', trusted)).toBe('203.0.113.1');
    // A client cannot hide behind an address it writes further left.
    expect(sourceOf('10.0.0.1', '1.2.3.4, 203.0.113.1', trusted)).toBe('203.0.113.1');
    expect(sourceOf('10.0.0.1', '203.0.113.1, 10.0.0.2', trusted)).toBe('203.0.113.1');
    expect(sourceOf('10.0.0.1', undefined, trusted)).toBe('10.0.0.1');
  });
});
