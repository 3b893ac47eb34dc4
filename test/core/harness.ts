/**
 * Test harness for the device flows (docs/architecture.md section 7): a real Mesh service on
 * 127.0.0.1:0 in this process (SQLite in a temporary directory), device homes in temporary
 * directories with their secrets in the REAL OS keychain (each home has its own random home id, and
 * its keychain entries are deleted when it closes), and a thin HTTP proxy that can rewrite the
 * service's answers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshDevice } from '../../electron/core/mesh-device';
import { buildService, type MeshService } from '../../service/service';
import type { ServiceOptions } from '../../service/config';
import { wipeHome } from '../support/service-suite';

/** A running service and how to name accounts on it. */
export interface TestService {
  readonly service: MeshService;
  readonly url: string;
  readonly port: number;
  /** The service's SQLite data directory. */
  readonly directory: string;
  /** `name@127.0.0.1:PORT`. */
  address(name: string): string;
  /** Stop the service; its data directory is removed unless `keep`. */
  close(options?: { keep?: boolean }): Promise<void>;
}

/**
 * Start a real service on 127.0.0.1:0 with its data in a temporary directory (or in
 * `directory`, to restart a service on its data). Rate limits are off: the flows are quick.
 */
export async function startService(
  options: Omit<ServiceOptions, 'storage'> = {},
  directory?: string,
): Promise<TestService> {
  const data = directory ?? (await mkdtemp(join(tmpdir(), 'mesh-flows-service-')));
  const service = await buildService({
    ...options,
    storage: { kind: 'sqlite', directory: data },
    limits: { requestsPerSecond: 0, ...options.limits },
  });
  const listening = await service.listen({ port: 0, host: '127.0.0.1' });
  return {
    service,
    url: listening.url,
    port: listening.port,
    directory: data,
    address: (name) => `${name}@127.0.0.1:${listening.port}`,
    async close(closeOptions = {}) {
      await service.close();
      if (closeOptions.keep !== true) await rm(data, { recursive: true, force: true });
    },
  };
}

/** Device homes opened by a test, closed and wiped (keychain entries included) at the end. */
export class TestHomes {
  readonly #open: Array<{ device: MeshDevice }> = [];
  readonly #directories: string[] = [];

  /** A fresh, empty home directory (not opened). */
  async directory(label: string): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), `mesh-flows-${label}-`));
    this.#directories.push(directory);
    return directory;
  }

  /** Open a MeshDevice on a fresh home (or on `directory`, reopened). */
  async open(label: string, directory?: string): Promise<MeshDevice> {
    const home = directory ?? (await this.directory(label));
    const device = await MeshDevice.open({ home, keyStore: { kind: 'keychain' } });
    this.#open.push({ device });
    return device;
  }

  /** Close a device without wiping its secrets (to reopen the home later). */
  async close(device: MeshDevice): Promise<void> {
    await device.close();
  }

  /** Wipe every home: close it, delete its keychain entries, remove its directory. */
  async cleanup(): Promise<void> {
    for (const { device } of this.#open) await device.close();
    for (const directory of this.#directories) await wipeHome(directory);
    this.#open.length = 0;
    this.#directories.length = 0;
  }
}

/** A changed answer: its text, or its HTTP status and text. */
export type RewrittenAnswer = string | { readonly status: number; readonly body: string };

/**
 * How the proxy may change one exchange: return a new answer (or a promise of one), or undefined
 * to pass it on.
 */
export type Rewrite = (exchange: {
  readonly request: string;
  readonly response: string;
  readonly status: number;
}) => RewrittenAnswer | undefined | Promise<RewrittenAnswer | undefined>;

/** How the proxy may change a request body before forwarding it: new text, or undefined. */
export type RewriteRequest = (body: string) => string | undefined;

/** A proxy in front of a service, rewriting answers with `rewrite` while it is set. */
export interface TestProxy {
  readonly port: number;
  address(name: string): string;
  rewrite: Rewrite | undefined;
  /** Changes request bodies before they are forwarded (a service that answers for another). */
  rewriteRequest: RewriteRequest | undefined;
  /** Called with each request body as it arrives, before it is forwarded. */
  onRequest: ((body: string) => void) | undefined;
  /** Forward to another service from now on (a forked log). */
  target: string;
  close(): Promise<void>;
}

/** Start a proxy on 127.0.0.1:0 that forwards every request to `target` (a service URL). */
export async function startProxy(target: string): Promise<TestProxy> {
  const proxy: {
    rewrite: Rewrite | undefined;
    rewriteRequest: RewriteRequest | undefined;
    onRequest: ((body: string) => void) | undefined;
    target: string;
  } = { rewrite: undefined, rewriteRequest: undefined, onRequest: undefined, target };
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const received = Buffer.concat(chunks);
      proxy.onRequest?.(received.toString('utf8'));
      const changedRequest = proxy.rewriteRequest?.(received.toString('utf8'));
      const body = changedRequest === undefined ? received : Buffer.from(changedRequest, 'utf8');
      const url = new URL(incoming.url ?? '/', proxy.target);
      const forward = httpRequest(
        url,
        {
          method: incoming.method,
          headers: { ...incoming.headers, host: url.host, 'content-length': body.length },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            void Promise.resolve(
              proxy.rewrite?.({
                request: body.toString('utf8'),
                response: text,
                status: answer.statusCode ?? 500,
              }),
            ).then(
              (changed) => {
                const status =
                  typeof changed === 'object' ? changed.status : (answer.statusCode ?? 500);
                const out = Buffer.from(
                  typeof changed === 'object' ? changed.body : (changed ?? text),
                  'utf8',
                );
                outgoing.writeHead(status, {
                  'content-type': answer.headers['content-type'] ?? 'application/json',
                  'content-length': out.length,
                });
                outgoing.end(out);
              },
              () => {
                outgoing.writeHead(502);
                outgoing.end();
              },
            );
          });
        },
      );
      forward.on('error', () => {
        outgoing.writeHead(502);
        outgoing.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: (name) => `${name}@127.0.0.1:${port}`,
    get rewrite() {
      return proxy.rewrite;
    },
    set rewrite(value) {
      proxy.rewrite = value;
    },
    get rewriteRequest() {
      return proxy.rewriteRequest;
    },
    set rewriteRequest(value) {
      proxy.rewriteRequest = value;
    },
    get onRequest() {
      return proxy.onRequest;
    },
    set onRequest(value) {
      proxy.onRequest = value;
    },
    get target() {
      return proxy.target;
    },
    set target(value) {
      proxy.target = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
