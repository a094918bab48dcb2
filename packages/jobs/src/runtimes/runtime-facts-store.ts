import type { RuntimeFacts } from '@job-runner/sandbox';
import { keyBase } from '../queue/queue-names';
import type { RedisClient } from '../queue/redis-client';

/** As stored: the facts with their date as text. */
type Stored = Omit<RuntimeFacts, 'probedAt'> & { probedAt: string };

/**
 * What workers found in the runtime images on their engines, kept in Redis for an API that has
 * no engine of its own to probe with (compose gives only workers the Docker socket). One hash
 * per deployment, one field per image name; the facts name the image id they hold for.
 */
export class RuntimeFactsStore {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    queueName: string,
  ) {
    this.key = `${keyBase(redis, queueName)}:runtime-facts`;
  }

  async publish(image: string, facts: RuntimeFacts): Promise<void> {
    const stored: Stored = { ...facts, probedAt: facts.probedAt.toISOString() };
    await this.redis.hset(this.key, image, JSON.stringify(stored));
  }

  /** The facts a worker published for `image`, or null (none yet, or unreadable). */
  async read(image: string): Promise<RuntimeFacts | null> {
    const raw = await this.redis.hget(this.key, image);
    if (!raw) return null;
    try {
      const stored = JSON.parse(raw) as Stored;
      if (typeof stored.imageId !== 'string' || !Array.isArray(stored.packages)) return null;
      return { ...stored, probedAt: new Date(stored.probedAt) };
    } catch {
      return null;
    }
  }
}
