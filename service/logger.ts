/**
 * Structured logs (docs/architecture.md section 6): one JSON object a line, with time, level and
 * message. Callers pass only non-secret fields (transaction names, statuses, durations, error
 * codes); request bodies, signatures, keys and PINs are never logged.
 */

/** Log levels, most severe first. */
export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Fields of a log line. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** A structured logger. */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
}

/** A logger writing JSON lines at `level` and above to `write`. */
export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const threshold = logLevels.indexOf(level);
  const emit =
    (at: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      if (logLevels.indexOf(at) > threshold) return;
      write(
        `${JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...fields })}\n`,
      );
    };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};
