/**
 * `npm run service`: the service's command line (docs/architecture.md section 6). Flags, with
 * environment variables as defaults; run() returns an exit code and never exits itself
 * (docs/architecture.md section 11 "The CLI"), so tests drive it directly. It runs until `stop`
 * resolves (main.ts: SIGINT or SIGTERM).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { LogLevel } from './logger';
import { createLogger, logLevels } from './logger';
import type { ServiceOptions } from './config';
import { DEFAULT_LIMITS } from './config';
import { buildService } from './service';

/** Where the command writes. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The parsed settings. */
export interface ServiceSettings {
  readonly port: number;
  readonly host: string;
  readonly data: string;
  readonly postgres?: string;
  readonly postgresSchema?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly allowPlainHttp: boolean;
  /** Start on stored state that looks lost (an empty database, a log without its key). */
  readonly init: boolean;
  readonly maxBody: number;
  readonly logLevel: LogLevel;
  readonly rate: number;
  readonly burst: number;
  readonly transferAccounts: string[];
  readonly trustedProxies: string[];
  readonly allowOrigins: string[];
  readonly allowHosts: string[];
  /** A file of invitation codes, one a line: registration by invitation only. */
  readonly invitations?: string;
  readonly quota: number;
}

export const HELP = `Usage: npm run service -- [options]

Runs the Mesh service: POST /.well-known/mmm/ on HOST:PORT.

Options (environment variable in brackets):
  --port PORT              port to listen on; 0 picks a free one (default 8080) [MESH_SERVICE_PORT]
  --host HOST              address to listen on (default 127.0.0.1) [MESH_SERVICE_HOST]
  --data DIR               SQLite data directory, created if missing (default ./mesh-service-data)
                           [MESH_SERVICE_DATA]
  --postgres URL           use PostgreSQL instead of SQLite; several processes may share one
                           database [MESH_SERVICE_POSTGRES]
  --postgres-schema NAME   keep the tables in this schema (default: the search path's first)
                           [MESH_SERVICE_POSTGRES_SCHEMA]
  --tls-cert FILE          PEM certificate: serve HTTPS (needs --tls-key) [MESH_SERVICE_TLS_CERT]
  --tls-key FILE           PEM private key for --tls-cert [MESH_SERVICE_TLS_KEY]
  --allow-plain-http       serve plain HTTP on a non-loopback address (behind a TLS proxy)
                           [MESH_SERVICE_ALLOW_PLAIN_HTTP=1]
  --max-body BYTES         largest request body (default ${DEFAULT_LIMITS.maxRequestBytes}) [MESH_SERVICE_MAX_BODY]
  --rate N                 requests per second per client, 0 for no limit (default ${DEFAULT_LIMITS.requestsPerSecond})
                           [MESH_SERVICE_RATE]
  --burst N                requests a client may make at once (default ${DEFAULT_LIMITS.requestBurst}) [MESH_SERVICE_BURST]
  --transfer-account NAME  an account whose devices may read the whole log with Transfer;
                           repeatable [MESH_SERVICE_TRANSFER_ACCOUNTS, comma separated]
  --trusted-proxy ADDR     a TLS proxy in front of the service whose X-Forwarded-For is believed
                           for per-client limits; repeatable [MESH_SERVICE_TRUSTED_PROXIES]
  --allow-origin ORIGIN    a web origin allowed to call the service (any Origin header is refused
                           otherwise); repeatable [MESH_SERVICE_ALLOW_ORIGINS]
  --allow-host HOST[:PORT] a Host header accepted on a loopback address besides localhost and
                           127.0.0.1; repeatable [MESH_SERVICE_ALLOW_HOSTS]
  --invitations FILE       register by invitation only: the codes, one a line, each used once
                           [MESH_SERVICE_INVITATIONS]
  --quota BYTES            most bytes of entries one account may hold, 0 for no limit (default
                           ${DEFAULT_LIMITS.accountQuotaBytes}) [MESH_SERVICE_QUOTA]
  --init                   start even when the database file is empty, its log has lost its
                           signing key, or its log no longer matches the last checkpoint it
                           signed (otherwise refused: restore from a backup first)
  --log-level LEVEL        error, warn, info or debug (default info) [MESH_SERVICE_LOG_LEVEL]
  --help                   show this help

The first line on stdout is "mesh service listening on URL"; JSON log lines follow.
SIGINT and SIGTERM stop the service once the requests in flight are answered.
`;

/** A usage error: exit status 2. */
export class UsageError extends Error {}

function integer(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${name} must be a whole number of at least ${min}, not "${text}"`);
  }
  return Number(text);
}

/** Parse flags over environment defaults; UsageError on a bad one. */
export function parseSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ServiceSettings | 'help' {
  const values = new Map<string, string>();
  const list = (text: string | undefined): string[] =>
    (text ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0);
  const transfer = list(env.MESH_SERVICE_TRANSFER_ACCOUNTS);
  const repeatable: Record<string, string[]> = {
    'transfer-account': transfer,
    'trusted-proxy': list(env.MESH_SERVICE_TRUSTED_PROXIES),
    'allow-origin': list(env.MESH_SERVICE_ALLOW_ORIGINS),
    'allow-host': list(env.MESH_SERVICE_ALLOW_HOSTS),
  };
  let allowPlainHttp = env.MESH_SERVICE_ALLOW_PLAIN_HTTP === '1';
  let init = false;
  const flags = [
    'port',
    'host',
    'data',
    'postgres',
    'postgres-schema',
    'tls-cert',
    'tls-key',
    'max-body',
    'log-level',
    'rate',
    'burst',
    'invitations',
    'quota',
  ];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] as string;
    if (argument === '--help' || argument === '-h') return 'help';
    if (argument === '--allow-plain-http') {
      allowPlainHttp = true;
      continue;
    }
    if (argument === '--init') {
      init = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(argument);
    const name = match?.[1];
    if (name === undefined || (!flags.includes(name) && repeatable[name] === undefined)) {
      throw new UsageError(`unknown argument "${argument}" (see --help)`);
    }
    const value = match?.[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    const many = repeatable[name];
    if (many !== undefined) many.push(value);
    else values.set(name, value);
  }
  const pick = (flag: string, variable: string): string | undefined =>
    values.get(flag) ?? env[variable];
  const level = pick('log-level', 'MESH_SERVICE_LOG_LEVEL') ?? 'info';
  if (!(logLevels as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level must be one of ${logLevels.join(', ')}`);
  }
  const tlsCert = pick('tls-cert', 'MESH_SERVICE_TLS_CERT');
  const tlsKey = pick('tls-key', 'MESH_SERVICE_TLS_KEY');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  const port = integer('--port', pick('port', 'MESH_SERVICE_PORT') ?? '8080', 0);
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  const host = pick('host', 'MESH_SERVICE_HOST') ?? '127.0.0.1';
  const postgres = pick('postgres', 'MESH_SERVICE_POSTGRES');
  const postgresSchema = pick('postgres-schema', 'MESH_SERVICE_POSTGRES_SCHEMA');
  if (postgresSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(postgresSchema)) {
    throw new UsageError('--postgres-schema must be a lower-case SQL identifier');
  }
  const invitations = pick('invitations', 'MESH_SERVICE_INVITATIONS');
  return {
    port,
    host,
    data: resolve(pick('data', 'MESH_SERVICE_DATA') ?? 'mesh-service-data'),
    ...(postgres === undefined ? {} : { postgres }),
    ...(postgresSchema === undefined ? {} : { postgresSchema }),
    ...(tlsCert === undefined ? {} : { tlsCert }),
    ...(tlsKey === undefined ? {} : { tlsKey }),
    allowPlainHttp,
    init,
    maxBody: integer(
      '--max-body',
      pick('max-body', 'MESH_SERVICE_MAX_BODY') ?? String(DEFAULT_LIMITS.maxRequestBytes),
      1,
    ),
    logLevel: level as LogLevel,
    rate: integer(
      '--rate',
      pick('rate', 'MESH_SERVICE_RATE') ?? String(DEFAULT_LIMITS.requestsPerSecond),
      0,
    ),
    burst: integer(
      '--burst',
      pick('burst', 'MESH_SERVICE_BURST') ?? String(DEFAULT_LIMITS.requestBurst),
      1,
    ),
    transferAccounts: transfer,
    trustedProxies: repeatable['trusted-proxy'] ?? [],
    allowOrigins: repeatable['allow-origin'] ?? [],
    allowHosts: repeatable['allow-host'] ?? [],
    ...(invitations === undefined ? {} : { invitations: resolve(invitations) }),
    quota: integer(
      '--quota',
      pick('quota', 'MESH_SERVICE_QUOTA') ?? String(DEFAULT_LIMITS.accountQuotaBytes),
      0,
    ),
  };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Run the service until `stop` resolves; returns the exit code. */
export async function run(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
  stop: Promise<unknown>,
): Promise<number> {
  let settings: ServiceSettings | 'help';
  try {
    settings = parseSettings(argv, env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mesh service: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (settings === 'help') {
    io.stdout(HELP);
    return 0;
  }
  if (settings.tlsCert === undefined && !isLoopback(settings.host) && !settings.allowPlainHttp) {
    io.stderr(
      `mesh service: plain HTTP is for loopback only; give --tls-cert and --tls-key for ${settings.host} (or --allow-plain-http behind a TLS proxy)\n`,
    );
    return 2;
  }
  const logger = createLogger(settings.logLevel, io.stdout);
  let options: ServiceOptions = {
    storage:
      settings.postgres === undefined
        ? { kind: 'sqlite', directory: settings.data }
        : {
            kind: 'postgres',
            url: settings.postgres,
            ...(settings.postgresSchema === undefined ? {} : { schema: settings.postgresSchema }),
          },
    limits: {
      maxRequestBytes: settings.maxBody,
      requestsPerSecond: settings.rate,
      requestBurst: settings.burst,
      accountQuotaBytes: settings.quota,
    },
    transferAccounts: settings.transferAccounts,
    init: settings.init,
    trustedProxies: settings.trustedProxies,
    allowedOrigins: settings.allowOrigins,
    allowedHosts: settings.allowHosts,
    logger,
    logLevel: settings.logLevel,
  };
  let service;
  let address;
  try {
    if (settings.invitations !== undefined) {
      options = {
        ...options,
        invitations: readFileSync(settings.invitations, 'utf8')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line.length > 0 && !line.startsWith('#')),
      };
    }
    const tls =
      settings.tlsCert !== undefined && settings.tlsKey !== undefined
        ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) }
        : undefined;
    service = await buildService(options);
    address = await service.listen({
      port: settings.port,
      host: settings.host,
      ...(tls ? { tls } : {}),
    });
  } catch (error) {
    await service?.close().catch(() => undefined);
    io.stderr(
      `mesh service: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  io.stdout(`mesh service listening on ${address.url}\n`);
  logger.info('started', {
    url: address.url,
    storage: service.backend.kind,
    serviceKey: service.serviceKey.udf,
  });
  await stop;
  logger.info('stopping');
  await service.close();
  logger.info('stopped');
  return 0;
}
