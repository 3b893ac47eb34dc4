#!/usr/bin/env node
// Runs a command for as long as the process that started it lives: `node tied-process.mjs CMD
// ARGS...`, started detached (its own process group) with a pipe as standard input. When that
// pipe closes - the test worker ended, failed or was killed - the whole process group goes
// (this script, the command and what it started, e.g. npm, its shell and the service), so no
// service outlives the test run. Stopping it on purpose: kill the group (process.kill(-pid)).
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error('tied-process: a command to run is needed');
  process.exit(2);
}
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stopGroup = () => {
  try {
    process.kill(-process.pid, 'SIGTERM');
  } catch {
    process.exit(1);
  }
};
process.stdin.on('end', stopGroup);
process.stdin.on('close', stopGroup);
process.stdin.on('error', stopGroup);
process.stdin.resume();
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
