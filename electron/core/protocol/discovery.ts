/**
 * Service discovery (draft-hallambaker-mesh-reference-03 section 7: SRV prefix `_mmm._tcp`,
 * well-known `/.well-known/mmm`; docs/architecture.md section 5): for `alice@example.com` the SRV
 * records of `_mmm._tcp.example.com` (RFC 2782: lowest priority, then weighted random), falling
 * back to
 * `https://example.com/.well-known/mmm/`. An address with a port, or an IP literal, names its
 * service directly. Plain HTTP is used only for a loopback host.
 */
import { promises as dns } from 'node:dns';
import { MeshError } from '../../../shared/errors';
import { isLoopbackHost, type AccountAddress } from './account-address';

/** The HTTP path of every Mesh service (draft-hallambaker-mesh-reference-03 section 7). */
export const WELL_KNOWN_PATH = '/.well-known/mmm/';
/** The SRV service label of the Mesh (draft-hallambaker-mesh-reference-03 section 7). */
export const SRV_PREFIX = '_mmm._tcp';

/** An SRV record (node:dns). */
export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/**
 * What discovery needs of DNS: node:dns/promises Resolver fits. Tests point one at a loopback
 * server.
 */
export interface SrvResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  cancel?(): void;
}

/** Where a service was found and how. */
export interface ServiceEndpoint {
  /** The URL requests are POSTed to, ending in /.well-known/mmm/. */
  readonly url: string;
  /** 'address': the address named host and port; 'srv': from DNS; 'well-known': the fallback. */
  readonly via: 'address' | 'srv' | 'well-known';
}

/** Options of discovery. */
export interface DiscoveryOptions {
  /** DNS (default: a node:dns Resolver with a 3 s timeout, 2 tries, the system's servers). */
  readonly resolver?: SrvResolver;
  readonly signal?: AbortSignal;
  /** Random numbers in [0, 1) for the weighted choice (tests make it deterministic). */
  readonly random?: () => number;
}

/**
 * Find the service of an account (draft-hallambaker-mesh-reference-03 section 7;
 * docs/architecture.md section 5).
 */
export async function discoverService(
  address: AccountAddress,
  options: DiscoveryOptions = {},
): Promise<ServiceEndpoint> {
  const { host, port } = address;
  if (port !== undefined || !isDnsName(host)) {
    return { url: serviceUrl(host, port), via: 'address' };
  }
  options.signal?.throwIfAborted();
  const resolver = options.resolver ?? new dns.Resolver({ timeout: 3_000, tries: 2 });
  const records = await lookupSrv(resolver, `${SRV_PREFIX}.${host}`, options.signal);
  if (records.length === 0) return { url: serviceUrl(host, undefined), via: 'well-known' };
  if (records.length === 1 && isDot(records[0]!.name)) {
    // RFC 2782: a target of "." means the service is decidedly not offered at this domain.
    throw new MeshError('NOT_FOUND', `${host} says it offers no Mesh service (SRV target ".")`, {
      host,
    });
  }
  const chosen = chooseSrv(
    records.filter((r) => !isDot(r.name)),
    options.random ?? Math.random,
  );
  return { url: serviceUrl(chosen.name.replace(/\.$/, ''), chosen.port), via: 'srv' };
}

/** The service URL for a host and optional port: http only for loopback, https otherwise. */
export function serviceUrl(host: string, port: number | undefined): string {
  const scheme = isLoopbackHost(host) ? 'http' : 'https';
  const literal = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${literal}${port === undefined ? '' : `:${port}`}${WELL_KNOWN_PATH}`;
}

/**
 * RFC 2782 selection: the lowest priority; among those, a random pick weighted by weight.
 * Records of weight 0 are picked (uniformly) only when every candidate has weight 0.
 */
export function chooseSrv(records: readonly SrvRecord[], random: () => number): SrvRecord {
  const lowest = Math.min(...records.map((r) => r.priority));
  const candidates = records
    .filter((r) => r.priority === lowest)
    .sort((a, b) => a.weight - b.weight);
  const total = candidates.reduce((sum, r) => sum + r.weight, 0);
  if (total === 0) return candidates[Math.floor(random() * candidates.length)]!;
  const pick = random() * total;
  let running = 0;
  for (const record of candidates) {
    running += record.weight;
    if (pick < running) return record;
  }
  return candidates[candidates.length - 1]!;
}

async function lookupSrv(
  resolver: SrvResolver,
  name: string,
  signal: AbortSignal | undefined,
): Promise<SrvRecord[]> {
  const onAbort = (): void => resolver.cancel?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await resolver.resolveSrv(name);
  } catch (error) {
    if (signal?.aborted) {
      throw new MeshError('CANCELLED', 'service discovery was cancelled', {}, { cause: error });
    }
    // No SRV records (or DNS trouble): the well-known URL on the domain itself still works.
    return [];
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function isDnsName(host: string): boolean {
  return !host.includes(':') && !/^[0-9.]+$/.test(host) && host !== 'localhost';
}

function isDot(name: string): boolean {
  return name === '' || name === '.';
}
