import { loadConfigOrExit, type Config } from '@job-runner/config';
import { createLogger, type Logger } from '@job-runner/logger';
import { startTracing } from '@job-runner/telemetry';

export interface ProcessOptions {
  /** `api` or `worker`: names the process in its log lines and its fatal message. */
  name: string;
  /** Starts the process's work; what it returns is stopped on SIGTERM or SIGINT. */
  start(config: Config, logger: Logger): Promise<{ stop(): Promise<void> }>;
  /** A line of advice to print after a fatal start error, when there is one. */
  hint?(message: string): string | null;
}

/**
 * What every entry point does: the configuration (or exit 2 naming each bad variable), the
 * logger, then its own start; one stop on the first SIGTERM or SIGINT, exit 0 when done. A start
 * that fails exits 1 with one line saying why.
 */
export function runProcess(opts: ProcessOptions): void {
  const config = loadConfigOrExit();
  const logger = createLogger({
    level: config.logLevel,
    json: config.nodeEnv === 'production',
    defaultMeta: { service: opts.name },
  });
  // Before anything starts: the first request's and the first job's spans have somewhere to go.
  const tracing = startTracing(config.tracing, { defaultServiceName: `job-runner-${opts.name}` });
  if (tracing.enabled)
    logger.info('tracing on', {
      endpoint: config.tracing.endpoint,
      sampler: config.tracing.sampler,
    });
  const main = async () => {
    const running = await opts.start(config, logger);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal}: shutting down`);
      try {
        await running.stop();
      } catch (err) {
        logger.error('shutdown did not finish cleanly', { error: (err as Error).message });
      }
      // The last spans (the jobs just finished or handed back) are sent before the exit.
      await tracing.shutdown();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  };
  main().catch((err: unknown) => {
    const message = (err as Error).message;
    console.error(`job-runner ${opts.name}: ${message}`);
    const hint = opts.hint?.(message);
    if (hint) console.error(`job-runner ${opts.name}: ${hint}`);
    process.exit(1);
  });
}
