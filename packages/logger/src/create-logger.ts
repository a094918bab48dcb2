import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** winston level; default `info`. */
  level?: string;
  /** JSON lines (for production log shippers) instead of readable text. */
  json?: boolean;
  /** Fields put on every line, e.g. `{ service: 'worker' }`. */
  defaultMeta?: Record<string, unknown>;
}

/**
 * The one logger factory. A line about a job carries `jobId`: use `logger.child({ jobId })`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const readable = winston.format.printf(
    ({ level, message, timestamp, service, jobId, ...rest }) => {
      const who = [service, jobId ? `job=${String(jobId as string)}` : '']
        .filter(Boolean)
        .join(' ');
      const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
      return `${String(timestamp)} ${level} ${who ? `[${who}] ` : ''}${String(message)}${extra}`;
    },
  );
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: options.defaultMeta,
    format: options.json
      ? winston.format.combine(
          winston.format.timestamp(),
          winston.format.errors({ stack: true }),
          winston.format.json(),
        )
      : winston.format.combine(
          winston.format.timestamp(),
          winston.format.errors({ stack: true }),
          readable,
        ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
  });
}
