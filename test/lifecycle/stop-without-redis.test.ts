import { freePort, OwnRedis } from '../helpers/operator';
import { startTestServer } from '../helpers/test-server';

/**
 * A stop (SIGTERM, or a test's teardown) must end even when Redis is away, or has just come
 * back while some connections still wait out their reconnect back-off. Before, both hung for
 * ever: BullMQ's close waited for an `end` that ioredis never emits for such a connection.
 */
describe('stopping while Redis is away', () => {
  const cases = [
    { inline: '0', redisBack: false },
    { inline: '0', redisBack: true },
    { inline: '1', redisBack: false },
    { inline: '1', redisBack: true },
  ];
  it.each(cases)(
    'ends (INLINE_WORKER=$inline, Redis back before the stop: $redisBack)',
    async ({ inline, redisBack }) => {
      const redis = new OwnRedis(await freePort());
      await redis.start();
      const server = await startTestServer({ REDIS_URL: redis.url, INLINE_WORKER: inline });
      try {
        await redis.stop();
        // Long enough for every connection to have lost Redis and be in its back-off.
        await new Promise((r) => setTimeout(r, 3000));
        if (redisBack) await redis.start();
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          server.close().then(() => 'stopped'),
          new Promise((r) => (timer = setTimeout(() => r('still stopping after 20 s'), 20_000))),
        ]);
        clearTimeout(timer);
        expect(outcome).toBe('stopped');
      } finally {
        await redis.dispose();
      }
    },
  );
});
