import net from 'node:net';
import { redactRedisUrl, waitForRedis } from './wait-for-redis';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('waitForRedis', () => {
  it('returns once the real Redis answers', async () => {
    await expect(waitForRedis(process.env.TEST_REDIS_URL!, 5000)).resolves.toBeUndefined();
  });

  it('names the address and the cause when nothing answers, password hidden', async () => {
    const url = `redis://:hunter2hunter2@127.0.0.1:${await closedPort()}`;
    const err = await waitForRedis(url, 1000).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/does not answer after 1 s \(connect ECONNREFUSED/);
    expect((err as Error).message).not.toContain('hunter2');
    expect(redactRedisUrl(url)).toContain(':***@');
  });
});
