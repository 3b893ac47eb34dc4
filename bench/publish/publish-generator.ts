/**
 * The Publish load generator, in its own process so it shares no event loop with the service:
 * `node --import tsx bench/publish/publish-generator.ts <plan.json>`. One keep-alive connection
 * per series; each series' pre-signed PublishRequests go in order (a version must follow the
 * one before), the series concurrently, so the service sees as many Publishes in flight as there
 * are series and group commit can batch them. Prints one PUBLISH_OUTCOME line.
 *
 * The requests are HTTP/1.1 (RFC 9112) written whole on plain sockets from bytes made before the
 * clock starts, and an answer is read only as far as its status line and Content-Length: the
 * generator shares the machine's cores with the service, and node:http's client would spend
 * about as much CPU per request as the service's own HTTP layer, CPU taken from the service.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { checkLoopback } from '../http/load-plan';
import type { PublishOutcome, PublishPlan } from './publish-plan';
import { PUBLISH_OUTCOME_PREFIX } from './publish-plan';

const NO_ANSWER_MS = 30_000;
const HEADER_END = Buffer.from('\r\n\r\n');

/** One answer: its status and (for a refusal) the start of its body. */
interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * One keep-alive connection sending requests one at a time and reading each answer: the status
 * line, the Content-Length header and that many bytes of body (the service answers with
 * Content-Length, never chunked).
 */
class Connection {
  readonly #socket: net.Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting: { resolve(answer: Answer): void; reject(error: Error): void } | undefined;
  #failure: Error | undefined;

  constructor(url: URL) {
    this.#socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.#socket.setTimeout(NO_ANSWER_MS, () =>
      this.#socket.destroy(new Error(`no answer within ${NO_ANSWER_MS / 1000} s`)),
    );
    this.#socket.on('data', (chunk: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
      this.#parse();
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      this.#waiting?.reject(this.#failure);
      this.#waiting = undefined;
    };
    this.#socket.on('error', fail);
    this.#socket.on('close', () => fail(new Error('the service closed the connection')));
  }

  #parse(): void {
    const end = this.#buffered.indexOf(HEADER_END);
    if (end < 0 || this.#waiting === undefined) return;
    const head = this.#buffered.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length === null) {
      this.#socket.destroy(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + HEADER_END.length + Number(length[1]);
    if (this.#buffered.length < total) return;
    const text =
      status === 202 ? '' : this.#buffered.toString('utf8', end + HEADER_END.length, total);
    this.#buffered = this.#buffered.subarray(total);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting.resolve({ status, text: text.slice(0, 300) });
  }

  /** Send one request (its whole bytes) and wait for its answer. */
  exchange(request: Buffer): Promise<Answer> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<Answer>((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** The whole HTTP/1.1 request carrying `body`. */
function requestBytes(url: URL, body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const head =
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

async function generate(plan: PublishPlan): Promise<PublishOutcome> {
  const url = checkLoopback(plan.url);
  const series = plan.series.map((bodies) => bodies.map((body) => requestBytes(url, body)));
  const connections = series.map(() => new Connection(url));
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const warmupEnd = start + plan.warmupSeconds * 1000;
  const stopAt = start + plan.limitSeconds * 1000;
  const latencies: number[] = [];
  let accepted = 0;
  let refused = 0;
  let errors = 0;
  let firstRefusal: string | undefined;
  let lastAnswer = warmupEnd;
  await Promise.all(
    series.map(async (requests, i) => {
      const connection = connections[i] as Connection;
      for (const request of requests) {
        if (performance.now() >= stopAt) return;
        const sent = performance.now();
        try {
          const { status, text } = await connection.exchange(request);
          const answered = performance.now();
          if (status !== 202) {
            refused++;
            firstRefusal ??= `HTTP ${status}: ${text}`;
            return;
          }
          accepted++;
          if (answered >= warmupEnd) {
            latencies.push(answered - sent);
            lastAnswer = Math.max(lastAnswer, answered);
          }
        } catch (error) {
          errors++;
          firstRefusal ??= error instanceof Error ? error.message : String(error);
          return;
        }
      }
    }),
  );
  for (const connection of connections) connection.close();
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Float64Array.from(latencies).sort();
  const windowSeconds = (lastAnswer - warmupEnd) / 1000;
  return {
    perSecond: windowSeconds > 0 ? sorted.length / windowSeconds : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    measured: sorted.length,
    windowSeconds,
    accepted,
    refused,
    ...(firstRefusal === undefined ? {} : { firstRefusal }),
    errors,
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

const planFile = process.argv[2];
if (!planFile) {
  console.error('usage: publish-generator.ts <plan.json>');
  process.exitCode = 2;
} else {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as PublishPlan;
  generate(plan).then(
    (outcome) => console.log(PUBLISH_OUTCOME_PREFIX + JSON.stringify(outcome)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
