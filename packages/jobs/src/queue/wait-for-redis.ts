import { Redis } from 'ioredis';

/** The URL with any password hidden, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * Waits until Redis answers PING, for at most `timeoutMs`. Started before anything else, it
 * turns "Redis is not there" into one clear error at start instead of endless reconnect noise
 * (and gives a Redis that starts beside us, as under compose, time to come up).
 */
export async function waitForRedis(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectTimeout: 2000,
    });
    let cause = '';
    // The socket's own error (ECONNREFUSED, ...) says more than the rejection that follows it.
    probe.on('error', (err: Error) => (cause ||= err.message));
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (err) {
      last = cause || (err as Error).message;
    } finally {
      probe.disconnect();
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Redis at ${redactRedisUrl(url)} does not answer after ${Math.round(timeoutMs / 1000)} s (${last}); start it or fix REDIS_URL`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
