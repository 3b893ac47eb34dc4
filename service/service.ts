/**
 * The Mesh service (docs/architecture.md sections 5 and 6; section 11 "The service"):
 * buildService() assembles storage, log, key and handlers; listen() binds it to HTTP or HTTPS;
 * handle() answers a request in-process (tests). close() stops accepting, lets requests in flight
 * finish (long polls answer at once), commits what is queued and closes the storage.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ResolvedOptions, ServiceOptions } from './config';
import { resolveOptions } from './config';
import { verifyJwsNode } from './crypto/jws-verifier';
import type { ServiceKey } from './crypto/service-key';
import { loadServiceKey } from './crypto/service-key';
import { RateLimiter } from './http/rate-limit';
import { createBinding } from './http/server';
import { CheckpointKeeper, checkStoredCheckpoint } from './log/stored-checkpoint';
import { LogTree } from './log/log-tree';
import { LogWriter } from './log/log-writer';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import { PageKeys } from './page-key';
import { VerifiedProfiles } from './profile-cache';
import type { StorageBackend } from './storage/backend';
import { PostgresBackend } from './storage/postgres';
import { SqliteBackend } from './storage/sqlite';
import { ConnectionWaiters } from './transactions/connection-waiters';
import type { ServiceContext } from './transactions/context';
import { EnrollmentSources } from './transactions/enrollment';
import { AccountUsage } from './transactions/quota';
import type { IncomingRequest, OutgoingResponse } from './transactions/dispatch';
import { answerAtOnce, dispatch } from './transactions/dispatch';

/** Where and how to listen. */
export interface ListenOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** PEM certificate and key: HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

/** The address a service listens on. */
export interface ListeningAddress {
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** A built service. */
export interface MeshService {
  readonly options: ResolvedOptions;
  readonly backend: StorageBackend;
  readonly serviceKey: ServiceKey;
  /**
   * Answer one request in-process, exactly as over HTTP (but without the binding's rate, size and
   * connection limits); `source` stands for the client address.
   */
  handle(
    request: Omit<IncomingRequest, 'signal'> & { signal?: AbortSignal },
  ): Promise<OutgoingResponse>;
  listen(options: ListenOptions): Promise<ListeningAddress>;
  /** Stop cleanly: in-flight requests finish, queued writes commit, storage closes. */
  close(): Promise<void>;
}

function openBackend(options: ResolvedOptions): StorageBackend {
  const storage = options.storage;
  return storage.kind === 'sqlite'
    ? new SqliteBackend({ directory: storage.directory, init: options.init })
    : new PostgresBackend({
        url: storage.url,
        ...(storage.schema === undefined ? {} : { schema: storage.schema }),
      });
}

/** Where the service's data is, for messages: the SQLite directory, or "the PostgreSQL database". */
function storageName(options: ResolvedOptions): string {
  return options.storage.kind === 'sqlite' ? options.storage.directory : 'the PostgreSQL database';
}

/** Build a service on its storage (created if missing), not yet listening. */
export async function buildService(serviceOptions: ServiceOptions): Promise<MeshService> {
  const options = resolveOptions(serviceOptions);
  const logger: Logger = serviceOptions.logger ?? silentLogger;
  const backend = openBackend(options);
  await backend.open();
  try {
    const serviceKey = await loadServiceKey(backend, { init: options.init });
    const pageSecret = await backend.serviceSecret('page-key-secret', () =>
      randomBytes(32).toString('base64url'),
    );
    const tree = new LogTree(backend, serviceKey);
    await tree.load();
    await checkStoredCheckpoint(backend, tree, serviceKey, {
      init: options.init,
      where: storageName(options),
    });
    const checkpoints = new CheckpointKeeper(backend, logger);
    tree.onSigned = (checkpoint) => checkpoints.signed(checkpoint);
    // Sign (and so store) the checkpoint of the log as it is now.
    tree.checkpoint(options.clock());
    const writer = new LogWriter(backend, {
      maxBatch: options.maxBatch,
      clock: options.clock,
      onCommit: (rows) => tree.committed(rows),
    });
    const shutdown = new AbortController();
    const waiters = new ConnectionWaiters(backend);
    const context: ServiceContext = {
      options,
      backend,
      writer,
      tree,
      serviceKey,
      pageKeys: new PageKeys(Buffer.from(pageSecret, 'base64url')),
      profiles: new VerifiedProfiles(verifyJwsNode),
      verify: verifyJwsNode,
      waiters,
      logger,
      shutdown: shutdown.signal,
      enrollment: new EnrollmentSources(),
      publicWrites: new RateLimiter(
        options.limits.requestsPerSecond > 0 ? options.limits.publicWritesPerMinute / 60 : 0,
        options.limits.publicWriteBurst,
      ),
      usage: new AccountUsage(backend, options.limits.accountQuotaBytes),
    };
    const binding = createBinding({
      maxRequestBytes: options.limits.maxRequestBytes,
      requestsPerSecond: options.limits.requestsPerSecond,
      requestBurst: options.limits.requestBurst,
      logger,
      debug: serviceOptions.logLevel === 'debug',
      clock: options.clock,
      shutdown: shutdown.signal,
      trustedProxies: options.trustedProxies,
      maxConnectionsPerSource: options.limits.maxConnectionsPerSource,
      allowedOrigins: options.allowedOrigins,
      allowedHosts: options.allowedHosts,
      answer: (request) => dispatch(context, request),
      answerAtOnce: (body) => answerAtOnce(context, body),
    });
    const servers: Server[] = [];
    let closing: Promise<void> | undefined;

    const service: MeshService = {
      options,
      backend,
      serviceKey,
      handle: (request) =>
        dispatch(context, { ...request, signal: () => request.signal ?? shutdown.signal }),
      listen: (listen) =>
        new Promise((resolve, reject) => {
          const server: Server = listen.tls
            ? createHttpsServer({ cert: listen.tls.cert, key: listen.tls.key }, binding.listener)
            : createServer(binding.listener);
          server.requestTimeout = 30_000;
          server.headersTimeout = 10_000;
          server.keepAliveTimeout = 5_000;
          // A socket silent for idleTimeoutMs with no request in flight is closed (a long poll
          // in flight keeps its socket); beyond maxConnections new sockets are closed at once.
          server.timeout = options.limits.idleTimeoutMs;
          server.on('timeout', binding.timeout);
          server.maxConnections = options.limits.maxConnections;
          server.on('connection', binding.connection);
          server.once('error', reject);
          server.listen(listen.port, listen.host ?? '127.0.0.1', () => {
            server.off('error', reject);
            servers.push(server);
            const address = server.address() as AddressInfo;
            const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
            const scheme = listen.tls ? 'https' : 'http';
            resolve({
              url: `${scheme}://${host}:${address.port}`,
              host: address.address,
              port: address.port,
            });
          });
        }),
      close: () => {
        closing ??= (async () => {
          const stopped = Promise.all(
            servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
          );
          shutdown.abort();
          for (const server of servers) server.closeIdleConnections();
          // A client that trickles its request keeps it in flight: past the deadline, close it.
          let deadline: NodeJS.Timeout | undefined;
          await Promise.race([
            binding.idle(),
            new Promise<void>((resolve) => {
              deadline = setTimeout(resolve, options.shutdownDeadlineMs);
            }),
          ]);
          clearTimeout(deadline);
          for (const server of servers) server.closeAllConnections();
          await stopped;
          await writer.flushed();
          tree.checkpoint(options.clock());
          await checkpoints.flush();
          waiters.close();
          await backend.close();
        })();
        return closing;
      },
    };
    return service;
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
}
