// The embedded service's launcher (electron/app/embedded-service.ts) with the plain Node
// launcher: the service built as the app ships it (scripts/build.mjs, dist/service/main.mjs),
// run with this Node as the app runs it in Electron's utility process, over real HTTP on
// loopback; and
// stand-in scripts for the ways a child can misbehave (exit early, never answer, ignore SIGTERM).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddedServiceArguments,
  embeddedServiceEnvironment,
  launchEmbeddedService,
  nodeProcessLauncher,
  type EmbeddedService,
  type EmbeddedServiceLaunch,
} from '../../electron/app/embedded-service';
import { MeshServiceClient } from '../../electron/core/client/mesh-service-client';
import { buildServiceBundle, type ServiceBundle } from './service-bundle';

let bundle: ServiceBundle;
const folders: string[] = [];
const running: EmbeddedService[] = [];

beforeAll(async () => {
  bundle = await buildServiceBundle();
});
afterEach(async () => {
  for (const service of running.splice(0)) await service.stop();
});
afterAll(() => {
  bundle.remove();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'mesh-embedded-'));
  folders.push(folder);
  return folder;
}

/** Launch and remember, so that every test ends with its children stopped. */
async function launch(options: Partial<EmbeddedServiceLaunch> = {}): Promise<EmbeddedService> {
  const service = await launchEmbeddedService({
    launcher: nodeProcessLauncher(),
    entry: bundle.entry,
    dataDirectory: dataFolder(),
    port: 0,
    ...options,
  });
  running.push(service);
  return service;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the embedded service, built and run with process.execPath', () => {
  it('listens on 127.0.0.1 on a free port, says where, and answers Hello', async () => {
    const data = dataFolder();
    const service = await launch({ dataDirectory: data });
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    expect(service.port).toBeGreaterThan(0);
    expect(isAlive(service.pid)).toBe(true);
    const client = new MeshServiceClient({ url: `${service.url}/.well-known/mmm/` });
    const hello = await client.call('Hello', {});
    expect(hello.ServiceKey.UDF).toMatch(/^[A-Z2-7-]+$/);
    expect(existsSync(data)).toBe(true);
  });

  it('stop() ends it with SIGTERM: a clean exit, marked requested, and the port refuses', async () => {
    const service = await launch();
    const exit = await service.stop();
    expect(exit).toEqual({ code: 0, signal: null, requested: true });
    expect(await service.exited).toEqual(exit);
    expect(isAlive(service.pid)).toBe(false);
    await expect(fetch(`${service.url}/.well-known/mmm/`, { method: 'POST' })).rejects.toThrow();
    // Stopping again is harmless.
    expect(await service.stop()).toEqual(exit);
  });

  it('reports a crash through `exited`, not requested', async () => {
    const service = await launch();
    process.kill(service.pid, 'SIGKILL');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL', requested: false });
  });

  it('reports a port something else holds as port-in-use', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      await expect(launch({ port })).rejects.toMatchObject({
        code: 'SERVICE_ERROR',
        details: { reason: 'port-in-use' },
        message: expect.stringContaining(`port ${port}`),
      });
    } finally {
      holder.close();
    }
  });

  it('gives the child no MESH_SERVICE_* setting and no ELECTRON_RUN_AS_NODE', () => {
    expect(
      embeddedServiceEnvironment({
        PATH: '/usr/bin',
        MESH_SERVICE_POSTGRES: 'postgres://x',
        ELECTRON_RUN_AS_NODE: '1',
        UNSET: undefined,
      }),
    ).toEqual({ PATH: '/usr/bin' });
  });

  it('ignores MESH_SERVICE_* settings of the environment (no PostgreSQL, no TLS by accident)', async () => {
    const service = await launch({
      env: {
        ...process.env,
        MESH_SERVICE_POSTGRES: 'postgres://nobody@127.0.0.1:1/none',
        MESH_SERVICE_TLS_CERT: '/nonexistent/cert.pem',
        MESH_SERVICE_TLS_KEY: '/nonexistent/key.pem',
      },
    });
    const client = new MeshServiceClient({ url: `${service.url}/.well-known/mmm/` });
    await expect(client.call('Hello', {})).resolves.toMatchObject({ Status: 200 });
  });

  it('stops by itself when the pipe from the desktop closes, so no orphan outlives it', async () => {
    const child = spawn(
      process.execPath,
      [bundle.entry, ...embeddedServiceArguments({ dataDirectory: dataFolder(), port: 0 })],
      {
        env: { ...embeddedServiceEnvironment(process.env), MESH_SERVICE_STOP_ON_STDIN_END: '1' },
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, 'line')) as [string];
    expect(first).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    child.stdin.end();
    expect(await exited).toEqual([0, null]);
  });
});

describe('the launcher, with children that misbehave', () => {
  it('reports a service that ends before listening, with its exit and last error line', async () => {
    const entry = bundle.script(
      'exits.mjs',
      "process.stderr.write('mesh service: could not start: the disk is full\\n');\nprocess.exit(3);\n",
    );
    const failure = await launch({ entry }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SERVICE_ERROR', details: { reason: 'exited' } });
    expect((failure as Error).message).toContain('exit code 3');
    expect((failure as Error).message).toContain('the disk is full');
  });

  it('reports a launcher that throws, and a program that cannot be run', async () => {
    await expect(
      launch({
        launcher: () => {
          throw new Error('no utility process before ready');
        },
      }),
    ).rejects.toMatchObject({
      code: 'SERVICE_ERROR',
      details: { reason: 'spawn' },
      message: expect.stringContaining('no utility process before ready'),
    });
    await expect(
      launch({ launcher: nodeProcessLauncher(join(bundle.appRoot, 'no-such-node')) }),
    ).rejects.toMatchObject({ code: 'SERVICE_ERROR', details: { reason: 'spawn' } });
  });

  it('gives up on a service that never says where it listens, and ends it', async () => {
    const entry = bundle.script(
      'silent.mjs',
      'console.log(`pid ${process.pid}`);\nsetInterval(() => {}, 1_000);\n',
    );
    const logged: string[] = [];
    const failure = await launch({
      entry,
      // Long enough for a loaded machine to start Node and print the pid line.
      startTimeoutMs: 3_000,
      onLog: (line) => logged.push(line),
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SERVICE_ERROR', details: { reason: 'timeout' } });
    const pid = Number(/^pid (\d+)$/.exec(logged[0] ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });

  it('kills a service that ignores SIGTERM once the grace period is over', async () => {
    const entry = bundle.script(
      'stubborn.mjs',
      [
        "process.on('SIGTERM', () => console.log('not stopping'));",
        "console.log('mesh service listening on http://127.0.0.1:1');",
        'setInterval(() => {}, 1_000);',
      ].join('\n'),
    );
    const logged: string[] = [];
    const service = await launch({ entry, stopTimeoutMs: 300, onLog: (line) => logged.push(line) });
    expect(service).toMatchObject({ url: 'http://127.0.0.1:1', port: 1 });
    expect(await service.stop()).toEqual({ code: null, signal: 'SIGKILL', requested: true });
    expect(logged).toContain('not stopping');
  });
});
