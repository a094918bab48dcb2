import type { Config } from '@job-runner/config';
import { createRuntimeProbe } from '@job-runner/bootstrap';
import { RuntimeFactsStore, type RedisClient } from '@job-runner/jobs';
import { RuntimeCatalog } from './runtime-catalog';

/**
 * The runtime catalog of this configuration. The API probes through its own connection to the
 * engine (DOCKER_HOST), whether or not a worker runs in this process; where it has none (the
 * compose API has no Docker socket), it answers what the workers probed and published.
 */
export function createRuntimeCatalog(config: Config, redis: RedisClient): RuntimeCatalog {
  const published = new RuntimeFactsStore(redis, config.queueName);
  return new RuntimeCatalog(config, createRuntimeProbe(config), (image) => published.read(image));
}
