import { ConfigError, loadConfig, DEFAULT_REDIS_URL } from '@job-runner/config';
import { JobWorker, waitForRedis } from '@job-runner/jobs';
import { createLogger } from '@job-runner/logger';

/** A worker process alone: any number of them may share one Redis. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({
    level: config.logLevel,
    json: config.nodeEnv === 'production',
    defaultMeta: { service: 'worker' },
  });
  const redisUrl = config.redisUrl || DEFAULT_REDIS_URL;
  await waitForRedis(redisUrl);
  const worker = new JobWorker({ config, redisUrl, logger });
  await worker.runner.check(config.runtimes[config.defaultRuntime]!);
  await worker.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping the worker`, {
      graceSec: config.lifecycle.shutdownGraceSec,
    });
    try {
      await worker.shutdown();
    } catch (err) {
      logger.error('shutdown did not finish cleanly', { error: (err as Error).message });
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  const message = (err as Error).message;
  console.error(`job-runner worker: ${message}`);
  if (message.includes('EACCES')) {
    console.error(
      'job-runner worker: this user may not open the Docker socket; with compose, set DOCKER_GID ' +
        'in .env to its group (stat -c %g /var/run/docker.sock)',
    );
  }
  process.exit(1);
});
