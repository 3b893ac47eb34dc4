/**
 * The real Mesh service as the bench runs it: `npm run service`'s command line (node
 * scripts/service.mjs, the bundle dist-node/service/main.mjs, rebuilt first when its sources are
 * newer; --port 0 --host 127.0.0.1 --data <fresh temporary dir> --rate 0) in its own process, found
 * by the `listening on http://HOST:PORT` line it prints first.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchChild } from './child-process';
import type { FixedResponse } from './fixed-response';
import { replayableHeaders } from './fixed-response';
import { startNode, startTypeScript, stopChild, waitForLine } from './child-process';

export const PROTOCOL_PATH = '/.well-known/mmm/';
const START_TIMEOUT_MS = 30_000;

export interface RunningService {
  /** http://127.0.0.1:PORT/.well-known/mmm/ */
  readonly endpoint: string;
  /** The service's process id (its CPU time is read from /proc on Linux). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Start the service, or say why it cannot run. */
export async function startMeshService(
  repoRoot: string,
): Promise<RunningService | { skipped: string }> {
  // MESH_BENCH_SERVICE_MAIN points the bench at another entry point (to try the harness).
  const main = path.resolve(repoRoot, process.env.MESH_BENCH_SERVICE_MAIN ?? 'scripts/service.mjs');
  if (!existsSync(main)) {
    return { skipped: `${path.relative(repoRoot, main)} does not exist yet` };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mesh-bench-service-'));
  const extra = (process.env.MESH_BENCH_SERVICE_ARGS ?? '').split(' ').filter(Boolean);
  // --rate 0: all bench traffic comes from one address, and the per-client limit (503 above it)
  // guards against one abusive client; it is not the throughput being measured.
  const args = ['--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--rate', '0', ...extra];
  let child: BenchChild | undefined;
  try {
    // MESH_BENCH_SERVICE_NODE_ARGS: Node options for the service process only, e.g.
    // `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under the bench's load.
    const nodeArgs = (process.env.MESH_BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    child = main.endsWith('.ts')
      ? startTypeScript(main, args, repoRoot, nodeArgs)
      : startNode(main, args, repoRoot, nodeArgs);
    const match = await waitForLine(child, /listening on http:\/\/(\S+?):(\d+)/, START_TIMEOUT_MS);
    const running = child;
    return {
      // Whatever host it names, the bench talks to it over loopback.
      endpoint: `http://127.0.0.1:${match[2]}${PROTOCOL_PATH}`,
      pid: running.process.pid,
      stop: async () => {
        await stopChild(running);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    return {
      skipped: `the service did not start (${args.join(' ')}): ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** One exchange with a server, its reply kept exactly for the bare server to replay. */
export type Exchange = FixedResponse;

/** POST a JSON body and return the reply. */
export async function postJson(url: string, body: string): Promise<Exchange> {
  const reply = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: reply.status,
    headers: replayableHeaders(reply.headers),
    body: new Uint8Array(await reply.arrayBuffer()),
  };
}
