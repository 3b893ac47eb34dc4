/**
 * The load generator, run as its own process so it does not share an event loop with the server
 * it measures: `node --import tsx bench/http/load-generator.ts <plan.json>`. Runs autocannon and
 * prints one LOAD_OUTCOME line.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import type { LoadOutcome, LoadPlan } from './load-plan';
import { checkLoopback, LOAD_OUTCOME_PREFIX } from './load-plan';

/** A growable list of response times. */
class LatencyList {
  private values = new Float64Array(1 << 16);
  private length = 0;

  add(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** The nearest-rank percentile, or NaN when nothing was recorded. */
  percentile(p: number): number {
    if (this.length === 0) return Number.NaN;
    const sorted = this.values.slice(0, this.length).sort();
    const rank = Math.min(this.length - 1, Math.max(0, Math.ceil((p / 100) * this.length) - 1));
    return sorted[rank] as number;
  }
}

async function generateLoad(plan: LoadPlan): Promise<LoadOutcome> {
  checkLoopback(plan.url);
  let next = 0;
  const bodies = plan.bodies;
  // autocannon's own histogram keeps whole milliseconds; loopback replies take a fraction of one,
  // so keep every 2xx response time (floating-point ms) of the measured run and rank them here.
  const latencies = new LatencyList();
  const run = autocannon({
    url: plan.url,
    connections: plan.connections,
    pipelining: 1,
    duration: plan.durationSeconds,
    timeout: 10,
    warmup: { connections: plan.connections, duration: plan.warmupSeconds },
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(bodies.length === 1
          ? { body: bodies[0] }
          : {
              setupRequest: (request) => ({
                ...request,
                body: bodies[next++ % bodies.length],
              }),
            }),
      },
    ],
  });
  run.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) latencies.add(responseTimeMs);
  });
  const result = await run;
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

const planFile = process.argv[2];
if (!planFile) {
  console.error('usage: load-generator.ts <plan.json>');
  process.exitCode = 2;
} else {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as LoadPlan;
  generateLoad(plan).then(
    (outcome) => console.log(LOAD_OUTCOME_PREFIX + JSON.stringify(outcome)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
