/**
 * The embedded local Mesh service (README "Set-up"; docs/architecture.md section 8, settings):
 * where no service is configured, the desktop runs the Mesh service as a CHILD PROCESS on
 * 127.0.0.1, not as an import - electron/app may import only electron/core and shared
 * (docs/architecture.md section 2), and a fault in the service must not take the window down. How
 * the child is started is a parameter, a ServiceProcessLauncher: in the desktop (the package and
 * `npm start` alike) Electron's `utilityProcess.fork` (utility-process-launcher.ts), which works
 * with the
 * `runAsNode` fuse off; in the tests a plain Node child (nodeProcessLauncher). It waits for the
 * service's first line, `mesh service listening on http://HOST:PORT` (service/cli.ts), and stops
 * it with SIGTERM, then SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MeshError } from '../../shared/errors';

/** How a child ended: its exit code, or the signal that ended it. */
export interface ServiceProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started child running the service's entry (a Node child, or an Electron utility process). */
export interface ServiceProcess {
  /** Its process id once it runs. */
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream;
  readonly stderr: NodeJS.ReadableStream;
  /** Resolves once it has exited and its output is read to the end. */
  readonly exited: Promise<ServiceProcessExit>;
  /** Resolves if it could not be started at all. */
  readonly failed: Promise<Error>;
  /** Ask it to stop (SIGTERM on POSIX). */
  terminate(): void;
  /** End it at once (SIGKILL on POSIX). */
  kill(): void;
}

/** Starts `entry` (an ES module) with `args` and the environment `env`. */
export type ServiceProcessLauncher = (
  entry: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
) => ServiceProcess;

/** How to launch the embedded service. */
export interface EmbeddedServiceLaunch {
  /**
   * How to start the child: utilityProcessLauncher in the desktop, nodeProcessLauncher in tests.
   */
  readonly launcher: ServiceProcessLauncher;
  /** The built service (dist/service/main.mjs, scripts/build.mjs). */
  readonly entry: string;
  /** The service's SQLite data directory (created by the service if missing). */
  readonly dataDirectory: string;
  /** The port on 127.0.0.1; 0 lets the system choose a free one. */
  readonly port: number;
  /** The child's environment (default: this process's). MESH_SERVICE_* variables are dropped. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long to wait for the listening line (default 30 s). */
  readonly startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 5 s). */
  readonly stopTimeoutMs?: number;
  /** Receives the service's later output lines (its JSON log at level warn, and stderr). */
  readonly onLog?: (line: string) => void;
}

/** How the child ended; `requested` when stop() asked it to. */
export interface EmbeddedServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly requested: boolean;
}

/** A running embedded service. */
export interface EmbeddedService {
  /** The base URL, `http://127.0.0.1:PORT`; requests go to `${url}/.well-known/mmm/`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the child has exited, for whatever reason. */
  readonly exited: Promise<EmbeddedServiceExit>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child is gone. */
  stop(): Promise<EmbeddedServiceExit>;
}

/** The host the embedded service listens on: loopback only. */
export const EMBEDDED_SERVICE_HOST = '127.0.0.1';

/**
 * What the embedded service may see of the desktop's environment: the variables a Node program
 * needs to run (paths, locale, time zone, the Windows system folders). Everything else stays
 * out: MESH_PASSPHRASE and any other secret of the desktop, NODE_OPTIONS (which could load code
 * into the child), MESH_SERVICE_* (the service reads them as defaults: a stray
 * MESH_SERVICE_POSTGRES or TLS setting must not change the embedded service), and
 * ELECTRON_RUN_AS_NODE (never needed: the service runs in a utility process, and the runAsNode
 * fuse is off in a release).
 */
const INHERITED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'TZ',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
]);

/**
 * The child's environment: only the INHERITED variables (and LC_*) of the given one. The
 * launcher may add its own (nodeProcessLauncher: MESH_SERVICE_STOP_ON_STDIN_END).
 */
export function embeddedServiceEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (INHERITED.has(name.toUpperCase()) || name.startsWith('LC_')) result[name] = value;
  }
  return result;
}

/** The service's command-line arguments after its entry (service/cli.ts flags). */
export function embeddedServiceArguments(
  launch: Pick<EmbeddedServiceLaunch, 'dataDirectory' | 'port'>,
): string[] {
  return [
    '--host',
    EMBEDDED_SERVICE_HOST,
    '--port',
    String(launch.port),
    '--data',
    launch.dataDirectory,
    // Every client is this machine's, all from one address: a per-client limit would only
    // throttle the user's own sync.
    '--rate',
    '0',
    '--log-level',
    'warn',
  ];
}

const LISTENING = /listening on (http:\/\/[^\s/]+)\/?\s*$/;
const STDERR_TAIL = 2_048;

/**
 * Launch the embedded service and resolve once it listens (module comment). Rejects with
 * MeshError SERVICE_ERROR when it cannot start: `details.reason` is `port-in-use` (the port is
 * taken: try another), `exited` (it ended before listening; its last error line is in the
 * message), `timeout` or `spawn` (the program could not be run). The child never outlives a
 * failed launch.
 */
export function launchEmbeddedService(launch: EmbeddedServiceLaunch): Promise<EmbeddedService> {
  let child: ServiceProcess;
  try {
    child = launch.launcher(
      launch.entry,
      embeddedServiceArguments(launch),
      embeddedServiceEnvironment(launch.env ?? process.env),
    );
  } catch (error) {
    return Promise.reject(
      startFailure('spawn', `could not start ${launch.entry}: ${errorMessage(error)}`),
    );
  }
  let stderrTail = '';
  let stopRequested = false;
  let ended = false;
  const exited = child.exited.then((exit): EmbeddedServiceExit => {
    ended = true;
    return { ...exit, requested: stopRequested };
  });
  const spawnFailed = child.failed;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
  });
  createInterface({ input: child.stderr }).on('line', (line) => launch.onLog?.(line));
  const lines = createInterface({ input: child.stdout });

  let found = false;
  const listening = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      const match = found ? null : LISTENING.exec(line);
      if (match?.[1] === undefined) {
        launch.onLog?.(line);
        return;
      }
      found = true;
      resolve(match[1]);
    });
  });

  const stop = async (): Promise<EmbeddedServiceExit> => {
    if (ended) return exited;
    stopRequested = true;
    child.terminate();
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), launch.stopTimeoutMs ?? 5_000);
    });
    const first = await Promise.race([exited, killed]);
    clearTimeout(timer);
    if (first === 'timeout') child.kill();
    return exited;
  };

  let startTimer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    startTimer = setTimeout(() => resolve('timeout'), launch.startTimeoutMs ?? 30_000);
  });
  return Promise.race([listening, exited, spawnFailed, timedOut]).then(async (outcome) => {
    clearTimeout(startTimer);
    if (typeof outcome === 'string' && outcome !== 'timeout') {
      const port = Number(new URL(outcome).port);
      return { url: outcome, port, pid: child.pid ?? 0, exited, stop };
    }
    if (outcome === 'timeout') {
      await stop();
      throw startFailure('timeout', 'did not say where it listens in time');
    }
    if (outcome instanceof Error) {
      throw startFailure('spawn', `could not start ${launch.entry}: ${outcome.message}`);
    }
    const lastLine = stderrTail.trim().split('\n').at(-1) ?? '';
    const portInUse = /EADDRINUSE/.test(stderrTail);
    throw startFailure(
      portInUse ? 'port-in-use' : 'exited',
      portInUse
        ? `port ${launch.port} on ${EMBEDDED_SERVICE_HOST} is in use`
        : `it ended before listening (${describeExit(outcome)})${lastLine === '' ? '' : `: ${lastLine}`}`,
    );
  });
}

/** "exit code 1" or "signal SIGKILL", for messages. */
export function describeExit(exit: Pick<EmbeddedServiceExit, 'code' | 'signal'>): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the entry with a plain Node (`executable`, default this process's): the launcher of the
 * tests, and of the CLI-side harnesses. Sets MESH_SERVICE_STOP_ON_STDIN_END=1 and holds the
 * child's stdin, so that the service stops when this process dies and the pipe closes (no
 * orphan holding the port and the data directory's lock; an Electron utility process ends with
 * its parent by itself).
 */
export function nodeProcessLauncher(executable: string = process.execPath): ServiceProcessLauncher {
  return (entry, args, env) => {
    const child = spawn(executable, [entry, ...args], {
      env: { ...env, MESH_SERVICE_STOP_ON_STDIN_END: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.stdin.on('error', () => {
      // The child closed its end (it exited): nothing to write anyway.
    });
    return {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      // 'close', not 'exit': by then its output is read to the end, so an early error line is kept.
      exited: new Promise((resolve) => {
        child.once('close', (code, signal) => resolve({ code, signal }));
      }),
      failed: new Promise((resolve) => child.once('error', resolve)),
      terminate: () => void child.kill('SIGTERM'),
      kill: () => void child.kill('SIGKILL'),
    };
  };
}

function startFailure(reason: string, what: string): MeshError {
  return new MeshError('SERVICE_ERROR', `The embedded Mesh service could not start: ${what}`, {
    reason,
  });
}
