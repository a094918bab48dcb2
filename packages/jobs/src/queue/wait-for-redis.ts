import { redisAddress } from './redis-address';
import type { RedisClient, RedisTarget } from './redis-client';
import { redisConnection } from './redis-connection';

/**
 * Connects a probe, or says why not. A cluster whose nodes answer but whose state is not ok
 * yet ends its connection without an error (and without settling connect()): that counts too.
 */
function connect(probe: RedisClient, cluster: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    probe.once('end', () =>
      reject(new Error(cluster ? 'the cluster is not ready: cluster_state is not ok' : 'closed')),
    );
    probe.connect().then(resolve, reject);
  });
}

/**
 * Waits until Redis answers PING, for at most `timeoutMs`. Started before anything else, it
 * turns "Redis is not there" into one clear error at start instead of endless reconnect noise
 * (and gives a Redis that starts beside us, as under compose, time to come up). On a cluster,
 * it waits until the cluster as a whole is ready.
 */
export async function waitForRedis(target: RedisTarget, timeoutMs = 30_000): Promise<void> {
  const cluster = target.redisClusterNodes.length > 0;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const probe = redisConnection(target, undefined, 'probe');
    let cause = '';
    // The socket's own error (ECONNREFUSED, ...) says more than the rejection that follows it;
    // a cluster's says which node answered what.
    probe.on('error', (err: Error & { lastNodeError?: Error }) => {
      cause ||= err.lastNodeError ? `${err.message} ${err.lastNodeError.message}` : err.message;
    });
    try {
      await connect(probe, cluster);
      await probe.ping();
      return;
    } catch (err) {
      last = cause || (err as Error).message;
    } finally {
      probe.disconnect();
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Redis at ${redisAddress(target)} does not answer after ${Math.round(timeoutMs / 1000)} s (${last}); start it or fix ${cluster ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL'}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
