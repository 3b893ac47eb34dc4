import { Resolver } from 'node:dns/promises';
import { MeshError } from '../../../shared/errors';

/**
 * DNS SRV look-ups (RFC 2782) for mail discovery (RFC 6186), through node:dns's Resolver so
 * that the servers can be chosen (tests point it at a DNS server of their own on loopback).
 */

/** One SRV record; a target of "" or "." means the service is not offered. */
export type SrvRecord = { name: string; port: number; priority: number; weight: number };

/** Resolves SRV records; [] when the name or record does not exist. */
export type ResolveSrv = (name: string) => Promise<SrvRecord[]>;

export type SrvResolverOptions = {
  /** DNS servers, e.g. ["127.0.0.1:5353"]; the system's when absent. */
  servers?: string[];
  /** Per-try timeout (default 5 s). */
  timeoutMs?: number;
  /** Tries per server (default 2). */
  tries?: number;
};

const absent = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/** A ResolveSrv over node:dns (RFC 2782), NETWORK or TIMEOUT MeshError on failure. */
export function createSrvResolver(options: SrvResolverOptions = {}): ResolveSrv {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (options.servers) resolver.setServers(options.servers);
  return async (name) => {
    try {
      return await resolver.resolveSrv(name);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && absent.has(code)) return [];
      if (code === 'ETIMEOUT') {
        throw new MeshError('TIMEOUT', `No DNS answer for ${name} in time.`, { name });
      }
      throw new MeshError('NETWORK', `DNS look-up of ${name} failed.`, {
        name,
        code: typeof code === 'string' ? code : 'unknown',
      });
    }
  };
}
