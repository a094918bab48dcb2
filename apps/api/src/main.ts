import { ConfigError, loadConfig, type Config } from '@job-runner/config';
import { createLogger } from '@job-runner/logger';
import { waitForRedis } from '@job-runner/jobs';
import { ensureExecImage } from './bootstrap/ensure-exec-image';
import { resolveRedis } from './bootstrap/resolve-redis';
import { startServer } from './server';

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const cfg = config();
  const logger = createLogger({
    level: cfg.logLevel,
    json: cfg.nodeEnv === 'production',
    defaultMeta: { service: 'api' },
  });
  const redis = await resolveRedis(cfg, logger, true);
  await waitForRedis(redis.url);
  if (cfg.inlineWorker && cfg.useDocker) await ensureExecImage(cfg, logger);
  const server = await startServer({ config: cfg, redisUrl: redis.url, logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    try {
      await server.shutdown();
    } catch (err) {
      logger.error('shutdown did not finish cleanly', { error: (err as Error).message });
    }
    await redis.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`job-runner: ${(err as Error).message}`);
  process.exit(1);
});
