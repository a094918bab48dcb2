import type { RedisClient } from './redis-client';

/** How long a clean close of something on a live connection may take before it is cut. */
export const CLOSE_GRACE_MS = 5000;

/**
 * Closes something that talks to Redis over `connection` (a BullMQ queue, worker or event
 * reader, or a plain quit), and answers whether it finished cleanly. A shutdown must end even
 * when Redis is away, and two things would otherwise hang it for ever:
 * - BullMQ's close disconnects its client and waits for its `end` event, which ioredis 6 never
 *   emits for a client disconnected while it waits to reconnect (after a Redis restart, a
 *   connection may still be in its back-off although Redis answers again);
 * - a QUIT waits in the offline queue for a Redis that may never come back.
 * So a connection that is not ready is dropped at once (the close is started, so loops see
 * their closing flag, but not waited for), and a close on a ready one gets CLOSE_GRACE_MS.
 */
export async function closeOver(
  connection: RedisClient,
  close: () => Promise<unknown>,
  graceMs = CLOSE_GRACE_MS,
): Promise<boolean> {
  const ready = connection.status === 'ready';
  const closing = close().then(
    () => true,
    () => true,
  );
  let timer: NodeJS.Timeout | undefined;
  const finished = ready
    ? await Promise.race([
        closing,
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
      ])
    : false;
  clearTimeout(timer);
  if (!finished) connection.disconnect();
  return finished;
}
