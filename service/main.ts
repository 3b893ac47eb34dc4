/**
 * `npm run service -- --port PORT --data DIR`: the Mesh service process. SIGINT and SIGTERM stop
 * it cleanly (a second one ends it at once).
 */
import { run } from './cli';

const stop = new Promise<string>((resolve) => {
  let signalled = false;
  const onSignal = (signal: string): void => {
    if (signalled) process.exit(1);
    signalled = true;
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

const code = await run(
  process.argv.slice(2),
  process.env,
  { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
  stop,
);
process.exit(code);
