import { randomUUID } from 'node:crypto';
import { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { CREATED_MS_FIELD, STALLED_REASON } from './bullmq-internals';
import { createQueue } from './create-queue';
import { KEY_PREFIX } from './queue-names';

/** Pins what bullmq-internals.ts knows of BullMQ beyond its API, on the installed BullMQ. */
describe('BullMQ beyond its API', () => {
  it('fails a job whose worker died more often than allowed with STALLED_REASON', async () => {
    const redis = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: null });
    const name = `t-${randomUUID().slice(0, 8)}`;
    const queue = createQueue(name, redis, { attempts: 1, backoffMs: 0 });
    const opts = {
      connection: redis,
      prefix: KEY_PREFIX,
      lockDuration: 1000,
      stalledInterval: 300,
      maxStalledCount: 0,
    };
    // A worker that takes the job and then "dies": closed without finishing it or its lock.
    let taken!: () => void;
    const took = new Promise<void>((r) => (taken = r));
    const dying = new Worker(name, () => (taken(), new Promise(() => undefined)), opts);
    const { id } = await queue.add('run', { spec: {} as never, files: { code: [], input: [] } });
    await took;
    await dying.close(true);
    // Another worker's stalled check finds it.
    const checker = new Worker(name, () => Promise.resolve(), opts);
    try {
      for (let i = 0; i < 100; i++) {
        const job = await Job.fromId(queue, id!);
        if (job?.failedReason) {
          expect(job.failedReason).toBe(STALLED_REASON);
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the job never failed for stalling');
    } finally {
      await checker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });

  it("keeps a job's creation time in CREATED_MS_FIELD of its hash, as job.timestamp", async () => {
    const redis = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = createQueue(`t-${randomUUID().slice(0, 8)}`, redis, {
      attempts: 1,
      backoffMs: 0,
    });
    try {
      const job = await queue.add('run', { spec: {} as never, files: { code: [], input: [] } });
      const stored = await redis.hget(queue.toKey(job.id!), CREATED_MS_FIELD);
      expect(Number(stored)).toBe(job.timestamp);
      expect(job.timestamp).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });
});
