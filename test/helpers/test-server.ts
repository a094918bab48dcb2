import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '@job-runner/config';
import { createLogger } from '@job-runner/logger';
import { startServer, type RunningServer } from '@job-runner/api';
import { sandboxRuntimeUnderTest } from './docker';
import { freePort } from './free-port';
import { OwnRedis } from './operator';

export interface TestServer extends RunningServer {
  config: Config;
  dataDir: string;
  /** REDIS_URL: the suite's Redis (or the server's own); unused on a cluster (see below). */
  redisUrl: string;
}

export interface TestServerOptions {
  /**
   * A redis-server of the server's own, removed with it: its client count and memory are this
   * server's alone (the suite's Redis is shared by test files running side by side).
   */
  ownRedis?: boolean;
}

/**
 * The real server on an ephemeral port, against the suite's private Redis, with a queue and a
 * data directory of its own so test files never see each other's jobs. `env` may put it on a
 * Redis Cluster instead: `{ REDIS_CLUSTER_NODES: cluster.nodes }` (see RedisCluster); REDIS_URL
 * still names the suite's Redis then, which the server must leave untouched.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const own = options.ownRedis ? new OwnRedis(await freePort()) : null;
  await own?.start();
  // A test may point the server at a Redis of its own (e.g. one it stops and restarts).
  const redisUrl = own?.url ?? env.REDIS_URL ?? process.env.TEST_REDIS_URL;
  if (!redisUrl)
    throw new Error('TEST_REDIS_URL is not set: run the tests through jest (globalSetup)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-runner-test-'));
  const config = loadConfig(
    {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      JOB_DATA_DIR: dataDir,
      QUEUE_NAME: `t-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      JOB_BACKOFF_MS: '200',
      // Outbound creates a network and host firewall rules: only tests that ask for it (with a
      // network name of their own, removed afterwards) get it.
      OUTBOUND_ENABLED: '0',
      SHUTDOWN_GRACE_SEC: '5',
      ...(process.env.SKIP_DOCKER_TESTS === '1' ? { USE_DOCKER: '0' } : {}),
      // The `gvisor` jest project runs every sandbox under runsc.
      ...(sandboxRuntimeUnderTest() ? { SANDBOX_RUNTIME: sandboxRuntimeUnderTest() } : {}),
      ...env,
      REDIS_URL: redisUrl,
    },
    { dotenvDir: null },
  );
  const logger = createLogger({ level: config.logLevel });
  const server = await startServer({ config, logger }).catch(async (err: unknown) => {
    await own?.dispose();
    throw err;
  });
  return {
    ...server,
    config,
    dataDir,
    redisUrl,
    // Like a SIGTERM: a test that failed with a job still running does not hang its teardown.
    async close() {
      await server.shutdown();
      await own?.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
