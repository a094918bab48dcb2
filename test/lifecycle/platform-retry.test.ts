import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { KEY_PREFIX } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { TempImage } from '../helpers/temp-image';
import { startTestServer, type TestServer } from '../helpers/test-server';

describeDocker('platform failures', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retries an image that went missing, with backoff, then fails saying which image', async () => {
    const image = new TempImage();
    try {
      server = await startTestServer({
        JOB_RUN_IMAGE: image.name,
        JOB_ATTEMPTS: '3',
        JOB_BACKOFF_MS: '300',
        // Every try makes its sandbox: a pooled one, made before, would not miss the image.
        SANDBOX_POOL_SIZE: '0',
      });
      image.remove();
      // When each try starts, from BullMQ's own event stream.
      const connection = new Redis(server.config.redisUrl, { maxRetriesPerRequest: null });
      const events = new QueueEvents(server.config.queueName, { connection, prefix: KEY_PREFIX });
      await events.waitUntilReady();
      const starts: number[] = [];
      events.on('active', () => starts.push(Date.now()));
      const c = new Client(server.url);
      const id = await c.submit({ code: 'print(1)' });
      const job = await c.waitEnded(id, 90_000);
      await events.close();
      connection.disconnect();
      expect(job).toMatchObject({ status: 'failed', attempts: 3 });
      expect(job.error).toMatch(
        new RegExp(`^platform error: sandbox image ${image.name} is missing`),
      );
      const logs = await c.logs(id);
      for (const n of [1, 2, 3]) expect(logs).toContain(`platform error on attempt ${n} of 3`);
      expect(logs).toContain('attempt 2 of 3 after a platform failure');
      // Exponential backoff from 300 ms: the second try at least 300 ms after the first, the
      // third at least 600 ms after the second.
      expect(starts).toHaveLength(3);
      expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(300);
      expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(600);
    } finally {
      image.dispose();
    }
  });

  it('never retries a failure of the user program', async () => {
    server = await startTestServer({ JOB_ATTEMPTS: '3' });
    const { job, logs } = await new Client(server.url).run('raise SystemExit(2)');
    expect(job).toMatchObject({ status: 'failed', error: 'non-zero exit', attempts: 1 });
    expect(logs).not.toContain('attempt 2');
  });
});
