import net from 'node:net';
import { redactRedisUrl } from './redis-address';
import { waitForRedis } from './wait-for-redis';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const standalone = (redisUrl: string) => ({ redisUrl, redisClusterNodes: [] });

describe('waitForRedis', () => {
  it('returns once the real Redis answers', async () => {
    await expect(waitForRedis(standalone(process.env.TEST_REDIS_URL!), 5000)).resolves.toBe(
      undefined,
    );
  });

  it('names the address and the cause when nothing answers, password hidden', async () => {
    const url = `redis://:hunter2hunter2@127.0.0.1:${await closedPort()}`;
    const err = await waitForRedis(standalone(url), 1000).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/does not answer after 1 s \(connect ECONNREFUSED/);
    expect((err as Error).message).toMatch(/fix REDIS_URL$/);
    expect((err as Error).message).not.toContain('hunter2');
    expect(redactRedisUrl(url)).toContain(':***@');
  });

  it('names the cluster nodes and REDIS_CLUSTER_NODES when no node answers', async () => {
    const ports = [await closedPort(), await closedPort()];
    const err = await waitForRedis(
      {
        redisUrl: process.env.TEST_REDIS_URL!,
        redisClusterNodes: ports.map((port) => ({ host: '127.0.0.1', port })),
      },
      1000,
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      `Redis at 127.0.0.1:${ports[0]},127.0.0.1:${ports[1]} (cluster) does not answer after 1 s`,
    );
    expect((err as Error).message).toMatch(/fix REDIS_CLUSTER_NODES$/);
  });

  it('does not take a standalone Redis for a cluster', async () => {
    // The suite's Redis answers PING, but it is no cluster: waiting must not end there.
    const port = Number(new URL(process.env.TEST_REDIS_URL!).port);
    const err = await waitForRedis(
      { redisUrl: '', redisClusterNodes: [{ host: '127.0.0.1', port }] },
      1000,
    ).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/cluster support disabled/);
  });
});
