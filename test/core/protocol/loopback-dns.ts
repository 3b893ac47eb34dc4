/**
 * A tiny authoritative DNS server on 127.0.0.1 (dgram + dns-packet) for discovery tests: it
 * answers SRV queries from a table, NXDOMAIN for anything else, or nothing at all when told to.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { promises as dns } from 'node:dns';
import dnsPacket, { type SrvAnswer } from 'dns-packet';

export interface LoopbackDns {
  readonly port: number;
  /** Names asked, in order. */
  readonly queries: string[];
  /** SRV records by query name. */
  readonly srv: Map<string, Array<SrvAnswer['data']>>;
  /** When true the server reads queries and never answers. */
  silent: boolean;
  /** A node:dns Resolver that asks only this server. */
  resolver(options?: { timeout?: number; tries?: number }): dns.Resolver;
  close(): Promise<void>;
}

export async function startLoopbackDns(): Promise<LoopbackDns> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  const srv = new Map<string, Array<SrvAnswer['data']>>();
  const server: LoopbackDns = {
    port: 0,
    queries,
    srv,
    silent: false,
    resolver(options = {}) {
      const resolver = new dns.Resolver({
        timeout: options.timeout ?? 1_000,
        tries: options.tries ?? 1,
      });
      resolver.setServers([`127.0.0.1:${server.port}`]);
      return resolver;
    },
    async close() {
      socket.close();
      await once(socket, 'close');
    },
  };
  socket.on('message', (message: Buffer, remote: RemoteInfo) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (question === undefined) return;
    queries.push(question.name);
    if (server.silent) return;
    const records = question.type === 'SRV' ? srv.get(question.name.toLowerCase()) : undefined;
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      // AA, RD copied, and RCODE 3 (NXDOMAIN) when we know nothing of the name.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | (records ? 0 : 3),
      questions: [question],
      answers: (records ?? []).map((data) => ({
        type: 'SRV' as const,
        name: question.name,
        ttl: 60,
        class: 'IN' as const,
        data,
      })),
    });
    socket.send(response, remote.port, remote.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  (server as { port: number }).port = socket.address().port;
  return server;
}
