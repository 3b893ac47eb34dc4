/**
 * The Publish load generator, in its own process so it shares no event loop with the service:
 * `node --import tsx bench/publish/publish-generator.ts <plan.json>`. One keep-alive connection
 * per series; each series' pre-signed PublishRequests go in order (a version must follow the
 * one before), the series concurrently, so the service sees as many Publishes in flight as there
 * are series and group commit can batch them. Prints one PUBLISH_OUTCOME line.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { checkLoopback } from '../http/load-plan';
import type { PublishOutcome, PublishPlan } from './publish-plan';
import { PUBLISH_OUTCOME_PREFIX } from './publish-plan';

/** POST one body on `agent`; resolves with the status and (for a refusal) the start of the body. */
function post(
  url: URL,
  agent: http.Agent,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8', 0, 300),
          }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error('no answer within 30 s')));
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

async function generate(plan: PublishPlan): Promise<PublishOutcome> {
  const url = checkLoopback(plan.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.series.length });
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
    plan.series.map(async (bodies) => {
      for (const body of bodies) {
        if (performance.now() >= stopAt) return;
        const sent = performance.now();
        try {
          const { status, text } = await post(url, agent, body);
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
  agent.destroy();
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
