/**
 * A TCP relay on 127.0.0.1 in front of a service that counts every byte each way, HTTP headers
 * included, can be cut to play "offline", and can hold a connection's request. The sync tests
 * (test/core/catalog/sync/harness.ts) and the sync benchmark (bench/sections/sync.ts) measure what a sync
 * moves through it (docs/architecture.md section 10); the renderer's journeys hold a request in
 * flight with it.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Bytes moved through the relay since the last reset, as the client sees them. */
export interface ByteCount {
  /** Client to service: the requests. */
  sent: number;
  /** Service to client: the answers. */
  received: number;
}

export interface CountingRelay {
  /** The port the relay listens on. */
  readonly port: number;
  /** Bytes since the last reset; the same object throughout, updated as bytes pass. */
  readonly bytes: ByteCount;
  resetBytes(): void;
  /** Refuse (true) or accept (false) new connections; going offline drops the open ones. */
  setOffline(offline: boolean): void;
  /** Drop every open connection (the service behind is being restarted). */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface RelayOptions {
  /**
   * Asked for each chunk a client sends: false holds that connection from this chunk on (what it
   * sends no longer reaches the service, so its request is never answered).
   */
  forward?(chunk: Buffer): boolean;
}

/**
 * Start a relay to the service on 127.0.0.1 at `upstreamPort()`, asked at each new connection
 * (so the service may restart on another port behind it).
 */
export async function startCountingRelay(
  upstreamPort: () => number,
  options: RelayOptions = {},
): Promise<CountingRelay> {
  const bytes: ByteCount = { sent: 0, received: 0 };
  const sockets = new Set<Socket>();
  let offline = false;
  const dropConnections = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  const server: Server = createServer((client) => {
    if (offline) {
      client.destroy();
      return;
    }
    const upstream = connect(upstreamPort(), '127.0.0.1');
    sockets.add(client).add(upstream);
    let held = false;
    client.on('data', (chunk: Buffer) => {
      if (!held && options.forward?.(chunk) === false) held = true;
      if (held) return;
      bytes.sent += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      bytes.received += chunk.length;
      client.write(chunk);
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    bytes,
    resetBytes() {
      bytes.sent = 0;
      bytes.received = 0;
    },
    setOffline(value) {
      offline = value;
      if (value) dropConnections();
    },
    dropConnections,
    async close() {
      dropConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
