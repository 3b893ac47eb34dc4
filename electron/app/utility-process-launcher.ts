/**
 * The embedded service's launcher in the desktop program, packaged or under `npm start` alike
 * (docs/decisions.md, "The embedded service in a utility process"): Electron's
 * `utilityProcess.fork`, a Node child of the main process that needs no ELECTRON_RUN_AS_NODE,
 * so it works with the release's `runAsNode` fuse off (build/fuses.mjs), and that Chromium ends
 * when the main process goes. The service runs on Electron's Node 24, whose node:sqlite it uses
 * (service/storage/sqlite-driver.ts): nothing native to build for Electron.
 */
import { utilityProcess } from 'electron';
import { finished } from 'node:stream/promises';
import type { ServiceProcessExit, ServiceProcessLauncher } from './embedded-service';

/** The name of the service's process in Electron's process metrics. */
export const SERVICE_PROCESS_NAME = 'Mesh service';

/** Forks the entry as an Electron utility process with piped output. */
export const utilityProcessLauncher: ServiceProcessLauncher = (entry, args, env) => {
  const child = utilityProcess.fork(entry, [...args], {
    env: { ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    serviceName: SERVICE_PROCESS_NAME,
  });
  const { stdout, stderr } = child;
  if (stdout === null || stderr === null) {
    child.kill();
    throw new Error('the utility process has no output pipes');
  }
  let lastPid: number | undefined;
  child.once('spawn', () => {
    lastPid = child.pid;
  });
  const exited = new Promise<ServiceProcessExit>((resolve) => {
    child.once('exit', (code) => {
      // As the Node launcher's 'close': the exit only once its output is read to the end.
      const drained = [stdout, stderr].map((stream) => finished(stream).catch(() => undefined));
      void Promise.all(drained).then(() => resolve({ code, signal: null }));
    });
  });
  const failed = new Promise<Error>((resolve) => {
    child.once('error', (type, location) => resolve(new Error(`${type} at ${location}`)));
  });
  return {
    get pid() {
      return child.pid ?? lastPid;
    },
    stdout,
    stderr,
    exited,
    failed,
    terminate: () => void child.kill(),
    // utilityProcess has no forced kill; the pid is its own process.
    kill: () => {
      const pid = child.pid;
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    },
  };
};
