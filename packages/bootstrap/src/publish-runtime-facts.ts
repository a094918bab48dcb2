import type { Config } from '@job-runner/config';
import { redisConnection, RuntimeFactsStore } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { createRuntimeProbe } from './create-runtime-probe';
import { runtimeImages } from './start-worker';

/**
 * Probes every runtime image on this worker's engine and publishes what it found in Redis, for
 * an API that has no engine to ask (GET /runtimes in compose). Best effort: a failure is logged
 * and costs nothing else; the API says the runtime is unavailable until some worker publishes.
 */
export async function publishRuntimeFacts(config: Config, logger: Logger): Promise<void> {
  const probe = createRuntimeProbe(config);
  if (!probe) return;
  const redis = redisConnection(config, 'worker-runtime-facts');
  try {
    const store = new RuntimeFactsStore(redis, config.queueName);
    for (const image of runtimeImages(config)) {
      try {
        await store.publish(image, await probe.facts(image));
      } catch (err) {
        logger.warn('runtime probe failed', { image, error: (err as Error).message });
      }
    }
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
