import { Redis } from 'ioredis';
import { closeOver } from './close-over';

describe('closeOver', () => {
  it('waits for a close on a ready connection', async () => {
    const redis = new Redis(process.env.TEST_REDIS_URL!);
    await redis.ping();
    expect(await closeOver(redis, () => redis.quit())).toBe(true);
  });

  it('cuts a close that outlives its grace, and drops the connection', async () => {
    const redis = new Redis(process.env.TEST_REDIS_URL!);
    await redis.ping();
    const started = Date.now();
    expect(await closeOver(redis, () => new Promise(() => undefined), 200)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    // Dropped: the connection ends (a ready one does emit its end).
    await new Promise<void>((resolve) =>
      redis.status === 'end' ? resolve() : redis.once('end', () => resolve()),
    );
  });

  it('drops a connection that is not ready at once, without waiting for the close', async () => {
    // Nothing listens on port 1: the client is reconnecting, as after a Redis outage.
    const redis = new Redis({ port: 1, lazyConnect: false, retryStrategy: () => 1000 });
    redis.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(redis.status).not.toBe('ready');
    expect(await closeOver(redis, () => new Promise(() => undefined))).toBe(false);
  });
});
