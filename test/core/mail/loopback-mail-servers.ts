import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import type { SrvAnswer } from 'dns-packet';

/**
 * Real servers on loopback for the mail discovery tests: an HTTP server answering autoconfig
 * requests, and a UDP DNS server answering SRV queries. Nothing leaves the machine.
 */

export type HttpRoute = (request: IncomingMessage, response: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 that routes on `/<original host><path>` (see loopbackUrl). */
export async function startHttpServer(routes: Record<string, HttpRoute>) {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://loopback');
    seen.push(`${url.pathname}${url.search}`);
    const route = routes[url.pathname];
    if (route) route(request, response);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    seen,
    /** Maps an https://host/path URL onto this server, keeping the host in the path. */
    loopbackUrl(url: string): string {
      const original = new URL(url);
      return `http://127.0.0.1:${port}/${original.host}${original.pathname}${original.search}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type SrvTable = Record<
  string,
  { port: number; priority: number; weight: number; target: string }[]
>;

/**
 * A DNS server on 127.0.0.1 (UDP) answering SRV questions from `table`: a listed name gets its
 * records (an empty list: NOERROR without answers), an unlisted one NXDOMAIN, and a name in
 * `silent` no answer at all.
 */
export async function startDnsServer(table: SrvTable, silent: readonly string[] = []) {
  const questions: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (message: Buffer, remote: RemoteInfo) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    questions.push(`${question.type} ${name}`);
    if (silent.includes(name)) return;
    const records = question.type === 'SRV' ? table[name] : undefined;
    const answers: SrvAnswer[] = (records ?? []).map((record) => ({
      type: 'SRV',
      name: question.name,
      ttl: 300,
      class: 'IN',
      data: {
        port: record.port,
        priority: record.priority,
        weight: record.weight,
        target: record.target,
      },
    }));
    const NXDOMAIN = 3;
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER |
        dnsPacket.RECURSION_DESIRED |
        dnsPacket.RECURSION_AVAILABLE |
        (records === undefined ? NXDOMAIN : 0),
      questions: query.questions ?? [],
      answers,
    });
    socket.send(response, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    server: `127.0.0.1:${port}`,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
