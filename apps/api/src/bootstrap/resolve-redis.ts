import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import { redisAnswers } from '@job-runner/jobs';

export interface PrivateRedis {
  /** Stops the private redis-server, when one was started. */
  stop(): Promise<void>;
}

/**
 * `npm start` with REDIS_URL unset (config.redisUrl is then localhost:6379): when nothing
 * answers there, starts a private redis-server child on that port (data under
 * JOB_DATA_DIR/redis) and says so. Never with REDIS_CLUSTER_NODES: the cluster is the Redis then,
 * and one missing is an error for waitForRedis to name, not a reason to start another.
 */
export async function resolveRedis(config: Config, logger: Logger): Promise<PrivateRedis> {
  const none = { stop: () => Promise.resolve() };
  if (config.redisClusterNodes.length > 0) return none;
  // The default URL's port (tests give another, to keep clear of a real Redis).
  const port = Number(new URL(config.redisUrl).port || 6379);
  if (config.redisUrlGiven || (await redisAnswers('127.0.0.1', port))) return none;

  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error) {
    throw new Error(
      `REDIS_URL is unset, nothing answers on localhost:${port} and redis-server is not installed: ` +
        'install it (apt-get install -y redis-server) or set REDIS_URL',
    );
  }
  const dir = path.join(config.jobDataDir, 'redis');
  await fs.promises.mkdir(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 100 && !exited; i++) {
    if (await redisAnswers('127.0.0.1', port)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited || !(await redisAnswers('127.0.0.1', port)))
    throw new Error('the private redis-server did not start');
  logger.warn(
    `REDIS_URL is unset and nothing answered on localhost:${port}: started a private redis-server (data in ${dir})`,
  );
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
